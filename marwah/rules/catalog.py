"""The regulation catalog: every rule Marwah applies, as data, in one registry a lawyer can review.

Each rule says what it decides, its default, its citations and an explicit mark:

- ``CONFIRMED``   confirmed law: the article was found in an official text;
- ``DEFAULT``     a configurable default borrowed from another channel (LAPOR!, Bawaslu, BKN);
- ``POLICY``      the institution's own policy (a judgement, not law), configurable;
- ``UNCONFIRMED`` said to be law but not found in an official text (news, seeds): verify it.

The page ``/aturan/`` lists the registry (with institution overrides beside the defaults) and
exports it as PDF and CSV. ``catalog_version()`` is a hash of the catalog content; decisions,
deadlines and suggested sanctions record it.

Registering rules (for ``marwah/rules/*.py`` modules such as ``leave.py``, ``absence.py`` or an
elections module)::

    from marwah.rules.catalog import CONFIRMED, Citation, applies, rule

    ANNUAL = rule("leave.annual_days", area="leave", decides=_("Annual leave per year"),
                  value=_("12 working days"), default=12, mark=CONFIRMED,
                  citations=(Citation("PP No. 11 Tahun 2017", "Pasal 310"),),
                  overridable="days")          # optional: institutions may set their own value

    @applies("leave.annual_days")              # records where the rule is used (shown on /aturan/)
    def annual_entitlement(...): ...

``rule(...)`` builds, registers and returns a ``Rule``; ``register(*rules)`` registers ready
``Rule`` objects. Every module in the ``marwah.rules`` package is imported when the catalog is
read (``all_rules()``), so a new ``marwah/rules/<name>.py`` needs no other wiring; a module
elsewhere is listed in ``settings.MARWAH_RULE_MODULES``. A new area gets its heading with
``AREAS["leave"] = _("Leave")``. ``effective(key, institution_id)`` returns an institution's
override or the default (an ``overridable`` rule's ``default`` is the value overrides replace:
days as ``{"days": n, "day_kind": "working"|"calendar"}``, a tier code, or a list of choice codes).
"""

from __future__ import annotations

import hashlib
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise

# The edition of the catalog as reviewed; the hash below changes with any change of content.
CATALOG_EDITION = "2026.12"

CONFIRMED, DEFAULT, POLICY, UNCONFIRMED = "confirmed", "default", "policy", "unconfirmed"
MARKS: dict[str, Promise] = {
    CONFIRMED: _("Confirmed law"),
    DEFAULT: _("Configurable default"),
    POLICY: _("Institutional policy"),
    UNCONFIRMED: _("Unconfirmed"),
}
MARK_HELP: dict[str, Promise] = {
    CONFIRMED: _("The article was found in an official text."),
    DEFAULT: _("Borrowed from another channel's practice; an administrator may change it."),
    POLICY: _("A judgement of the institution, not a rule of law; an administrator may change it."),
    UNCONFIRMED: _("Not found in an official text (news or secondary sources): have it checked."),
}

# Headings for the areas of the catalog; a module registering a new area adds its label here
# (e.g. `AREAS["leave"] = _("Leave")`); an area without a label is shown by its code.
AREAS: dict[str, StrOrPromise] = {
    "violations": _("Reportable violations"),
    "sanctions": _("Sanctions"),
    "deadlines": _("Case deadlines"),
    "protection": _("Victim rights"),
    "documents": _("Pledge texts"),
    "roles": _("Roles and units"),
}

# Kinds of value an institution may override.
OVERRIDE_DAYS, OVERRIDE_TIER, OVERRIDE_CHOICES = "days", "tier", "choices"


@dataclass(frozen=True)
class Citation:
    source: str  # e.g. "Keputusan KPU No. 1341 Tahun 2024"
    article: str = ""  # e.g. "Pasal 4 ayat (1)"
    confirmed: bool = True
    mark: str = ""  # overrides the mark implied by `confirmed` (e.g. POLICY, DEFAULT)

    @property
    def status(self) -> str:
        return self.mark or (CONFIRMED if self.confirmed else UNCONFIRMED)

    def __str__(self) -> str:
        return f"{self.source}{', ' + self.article if self.article else ''}"


@dataclass(frozen=True)
class Rule:
    key: str  # stable, dotted: "<area>.<name>[.<code>]"
    area: str
    decides: StrOrPromise  # what the rule decides, in plain words
    value: StrOrPromise  # the outcome or default, in plain words
    citations: tuple[Citation, ...]
    mark: str
    used_in: tuple[str, ...] = ()  # dotted paths of the code that applies it (plus `applies` records)
    default: Any = None  # machine value (days, tier, list) an override replaces
    overridable: str = ""  # "", OVERRIDE_DAYS, OVERRIDE_TIER or OVERRIDE_CHOICES
    choices: tuple[tuple[str, StrOrPromise], ...] = ()  # allowed override values (tier / choices)
    note: StrOrPromise = ""

    @property
    def mark_label(self) -> Promise:
        return MARKS[self.mark]

    @property
    def area_label(self) -> StrOrPromise:
        return AREAS.get(self.area, self.area)


_REGISTRY: dict[str, Rule] = {}
_USES: dict[str, set[str]] = {}
_loaded = False
_hash: list[str] = []  # cached content hash; emptied when a rule is registered

# Modules of marwah.rules that hold no rules (app plumbing).
_NOT_RULES = {"apps", "catalog", "models", "views", "urls", "forms", "services", "selectors", "pdf", "nav",
              "demo", "admin", "tests", "migrations", "overrides", "monitoring"}


def register(*rules: Rule) -> None:
    """Add rules to the catalog. Registering the same key twice with other content is an error."""
    for item in rules:
        if item.mark not in MARKS:
            raise ValueError(f"rule {item.key}: unknown mark {item.mark!r}")
        if item.mark == CONFIRMED and not any(c.article for c in item.citations):
            raise ValueError(f"rule {item.key}: confirmed law needs a citation with an article")
        known = _REGISTRY.get(item.key)
        if known is not None and _fingerprint(known) != _fingerprint(item):
            raise ValueError(f"rule {item.key} registered twice with different content")
        _REGISTRY[item.key] = item
        _hash.clear()


def rule(key: str, *, area: str = "", decides: StrOrPromise, value: StrOrPromise = "",
         citations: Iterable[Citation] = (), mark: str = "", used_in: Iterable[str] = (),
         default: Any = None, overridable: str = "", choices: Iterable[tuple[str, StrOrPromise]] = (),
         note: StrOrPromise = "") -> Rule:
    """Build, register and return a rule. Without `mark`, it follows the citations (all confirmed
    -> CONFIRMED, otherwise the weakest mark among them)."""
    cites = tuple(citations)
    item = Rule(key=key, area=area or key.split(".", 1)[0], decides=decides, value=value, citations=cites,
                mark=mark or _mark_of(cites), used_in=tuple(used_in), default=default, overridable=overridable,
                choices=tuple(choices), note=note)
    register(item)
    return item


def _mark_of(citations: tuple[Citation, ...]) -> str:
    order = [UNCONFIRMED, POLICY, DEFAULT, CONFIRMED]
    marks = {c.status for c in citations} or {UNCONFIRMED}
    return next(m for m in order if m in marks)


F = TypeVar("F", bound=Callable[..., Any])


def applies(*keys: str) -> Callable[[F], F]:
    """Decorator: the decorated function applies these rules (listed under "used in" on /aturan/)."""

    def wrap(func: F) -> F:
        where = f"{func.__module__}.{func.__qualname__}"
        for key in keys:
            _USES.setdefault(key, set()).add(where)
        func.__marwah_rules__ = keys  # type: ignore[attr-defined]
        return func

    return wrap


def uses() -> dict[str, set[str]]:
    """Rule keys the code declares it applies (`applies`), with where."""
    load()
    return {k: set(v) for k, v in _USES.items()}


def load() -> None:
    """Import every rule module once (the marwah.rules package and settings.MARWAH_RULE_MODULES)."""
    global _loaded
    if _loaded:
        return
    from django.conf import settings

    import marwah.rules as package

    names = [f"marwah.rules.{m.name}" for m in pkgutil.iter_modules(package.__path__) if m.name not in _NOT_RULES]
    names += list(getattr(settings, "MARWAH_RULE_MODULES", []))
    for name in names:
        import_module(name)
    _loaded = True


def all_rules() -> list[Rule]:
    load()
    return sorted(_REGISTRY.values(), key=lambda r: r.key)


def get(key: str) -> Rule:
    load()
    return _REGISTRY[key]


def used_in(item: Rule) -> list[str]:
    return sorted(set(item.used_in) | _USES.get(item.key, set()))


def _fingerprint(item: Rule) -> str:
    payload = [item.key, item.mark, item.default, item.overridable, [c for c, _label in item.choices],
               [[c.source, c.article, c.status] for c in item.citations]]
    return json.dumps(payload, sort_keys=True, default=str)


def content_hash() -> str:
    """SHA-256 of the catalog's content (keys, marks, defaults, citations): any change changes it."""
    if not _hash:
        digest = hashlib.sha256()
        for item in all_rules():
            digest.update(_fingerprint(item).encode())
            digest.update(b"\n")
        _hash.append(digest.hexdigest())
    return _hash[0]


def catalog_version() -> str:
    """What a decision, deadline or suggestion records: the edition and the first 12 hex of the hash."""
    return f"{CATALOG_EDITION}+{content_hash()[:12]}"


def display_value(item: Rule, value: Any) -> str:
    """An override's value in words (days with their kind, tier or option labels)."""
    labels = {code: str(label) for code, label in item.choices}
    if item.overridable == OVERRIDE_DAYS and isinstance(value, dict):
        from marwah.rules.deadlines import DAY_KINDS

        return f"{value.get('days')} {DAY_KINDS.get(value.get('day_kind', ''), '')}"
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    return labels.get(value, str(value))


def effective(key: str, institution_id: int | None = None) -> Any:
    """The value an institution applies: its override (audited, see rules.services) or the default."""
    item = get(key)
    if item.overridable and institution_id is not None:
        from marwah.rules.overrides import override_value

        found = override_value(key, institution_id)
        if found is not None:
            return found
    return item.default


def role_unit_error(role: str, unit_kind: str, institution_id: int | None = None) -> str | None:
    from marwah.rules.roles import role_unit_error as check

    return check(role, unit_kind, institution_id)
