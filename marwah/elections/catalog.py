"""The ten forms of neutrality violation (seed 004, SKB 2022) and their default risk weights.

The form numbers are the seed's numbering (1–10) and map onto the neutrality kinds of
`marwah.rules.violations`. Default weights are the shares of neutrality violations in
regulations.md §2 (social media 30.4%, partisan activities 22.4%, photos with candidates
12.6% + attending declarations 10.9%, approaching parties 5.6%); the remaining 18.1% is
spread evenly over the other forms. Administrators edit them per stage.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marwah.rules.catalog import Citation
from marwah.rules.violations import KINDS, SKB_2022

FORM_KINDS: dict[int, str] = {
    1: "n_banner", 2: "n_social_campaign", 3: "n_approach_party", 4: "n_attend_campaign", 5: "n_party_member",
    6: "n_social_interaction", 7: "n_partisan_activity", 8: "n_campaign_team", 9: "n_independent_support",
    10: "n_partisan_decision",
}
KIND_FORMS: dict[str, int] = {kind: form for form, kind in FORM_KINDS.items()}

WEIGHT_CITATION = Citation(SKB_2022, "pangsa pelanggaran netralitas (regulations.md §2)")
DEFAULT_WEIGHTS: dict[int, Decimal] = {
    2: Decimal("30.4"), 6: Decimal("30.4"), 7: Decimal("22.4"), 4: Decimal("23.5"), 3: Decimal("5.6"),
    1: Decimal("3.6"), 5: Decimal("3.6"), 8: Decimal("3.6"), 9: Decimal("3.6"), 10: Decimal("3.6"),
}


def form_label(form: int | None) -> Promise | str:
    if form is None or form not in FORM_KINDS:
        return ""
    return KINDS[FORM_KINDS[form]].label


def form_choices() -> list[tuple[int, str]]:
    return [(n, f"{n}. {KINDS[k].label}") for n, k in FORM_KINDS.items()]


WATCH_HINTS: dict[int, Promise] = {
    1: _("banners, billboards, stickers at homes, offices and official cars"),
    2: _("staff's own posts, stories, twibbons and videos promoting a candidate"),
    3: _("meetings with party officials, party nomination drives"),
    4: _("attending declarations and rallies; photos with candidates and finger gestures"),
    5: _("party membership cards, party office-holder lists (Sipol)"),
    6: _("likes, comments, shares and follows of campaign accounts; winning-team groups"),
    7: _("events, aid and gatherings carrying a candidate's name"),
    8: _("names in campaign team decrees, consultants, witnesses' trainers"),
    9: _("ID-card (KTP) collection for independent candidates"),
    10: _("transfers, permits, aid and budget decisions that favour or harm a candidate"),
}


# The action the employee took, for the lead form (the suggester weighs it).
ACTION_LABEL = _("What the employee did")
ACTION_CHOICES: list[tuple[str, Promise | str]] = [
    ("", "—"), ("post", _("posted")), ("like", _("liked")), ("comment", _("commented")), ("share", _("shared")),
    ("follow", _("followed or joined a group")), ("photo", _("photo with a candidate")),
    ("attend", _("attended an event")),
]
LEAD_CHECK_MESSAGE = _("Check the suggested form of violation and confirm. The screenshot is kept.")
