"""Pledges and integrity pacts: views (function views; reads via selectors, writes via services)."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from marwah.accounts.models import User
from marwah.accounts.signals import password_verified
from marwah.audit.services import record
from marwah.core import chrome
from marwah.core.cache import kept
from marwah.core.dbrouter import replica_reads
from marwah.core.links import fixed_url, url_with
from marwah.core.params import parse_page
from marwah.core.tasks import enqueue_on_commit
from marwah.orgs.models import Unit
from marwah.pledges import selectors, services
from marwah.pledges.forms import (
    CampaignForm,
    CeremonyForm,
    CodeForm,
    ConfirmSignForm,
    DocumentForm,
    UploadForm,
    VersionForm,
)
from marwah.pledges.models import Campaign, Signature
from marwah.pledges.selectors import ChildRow, Counts
from marwah.pledges.text import filled_html, to_html

REAUTH_KEY = "marwah_reauth_at"
REAUTH_SECONDS = 15 * 60  # password asked again only after this long (argon2 costs ~150 ms per check)
PLEDGE_SESSION_SECONDS = 2 * 60 * 60
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
REMIND_COOLDOWN_SECONDS = 10 * 60


def recently_authenticated(request: HttpRequest) -> bool:
    return time.time() - request.session.get(REAUTH_KEY, 0) < REAUTH_SECONDS


def _user(request: HttpRequest) -> User:
    """The signed-in user of a @login_required view."""
    user = request.user
    assert isinstance(user, User)
    return user


def _signer_or_redirect(request: HttpRequest):
    employee = selectors.signer_employee(request)
    if employee is None and not request.user.is_authenticated:
        if getattr(request, "second_factor_pending", False):  # signed in with the password only
            return None, redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return None, redirect("pledges:code")
    return employee, None


# --- The signer's side -----------------------------------------------------------------------------

@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


def _index_page(request: HttpRequest) -> HttpResponse:
    employee, response = _signer_or_redirect(request)
    if response:
        return response
    user = request.user
    is_manager = can_launch = False
    campaigns: list[Campaign] = []
    if user.is_authenticated:
        is_manager = bool(selectors.institutions_for_user(user, selectors.READERS))
        can_launch = bool(selectors.role_paths(user, selectors.MANAGERS))
        if is_manager:
            campaigns = list(selectors.campaigns_for_user(user).order_by("-created_at")[:50])
    return render(request, "pledges/index.html", {
        "employee": employee,
        "signatures": list(selectors.signatures_for_employee(employee)[:50]) if employee else [],
        "campaigns": campaigns,
        "is_manager": is_manager,
        "can_launch": can_launch,
        "pledge_session": not user.is_authenticated,
    })


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    signature = selectors.get_signature_for_signer(request, pk)
    user = request.user if request.user.is_authenticated else None
    need_password = user is not None and not recently_authenticated(request)
    form = ConfirmSignForm(request.POST or None, user=user, need_password=need_password)
    closed = signature.campaign.status == Campaign.Status.CLOSED
    if request.method == "POST" and closed and not signature.is_signed:
        form.is_valid()
        form.add_error(None, _("This campaign is closed; it can no longer be signed."))
    elif request.method == "POST" and not signature.is_signed:
        if form.is_valid():
            if need_password:
                request.session[REAUTH_KEY] = time.time()
                password_verified.send(sender=User, request=request, user=user, password=form.cleaned_data["password"])
            method = Signature.Method.PASSWORD if user else Signature.Method.CODE
            if not services.sign(signature=signature, method=method, actor=user):
                return redirect("pledges:sign", pk=signature.pk)  # a double click signed it first
            # No flash message and no redirect: the signed page is the answer to this POST, one round
            # trip on a slow phone; a repeated POST changes nothing (below). sign() filled in the row.
            return _sign_page(request, signature, form, need_password=False, closed=closed, status=200)
    elif request.method == "POST":
        return redirect("pledges:sign", pk=signature.pk)  # signing twice changes nothing
    return _sign_page(request, signature, form, need_password=need_password, closed=closed,
                      status=400 if request.method == "POST" else 200)


@functools.lru_cache(maxsize=64)
def _long_day(day: date, language: str) -> str:
    """date_format(day, "j F Y") in `language` (the active one): the same for every signer of a day."""
    return date_format(day, "j F Y")


def _sign_page(request: HttpRequest, signature: Signature, form: ConfirmSignForm, *, need_password: bool,
               closed: bool, status: int) -> HttpResponse:
    campaign, signed = signature.campaign, signature.is_signed
    if signed:
        body, fields = services.signed_body(signature)
    else:
        body = campaign.version.body
        fields = services.signature_fields(signature, place=campaign.place, day=timezone.localdate())
    values: dict[str, Any] = {"body": filled_html(body, fields)}  # the same HTML as to_html(fill(...))
    if signed:
        local = timezone.localtime(signature.signed_at)
        values.update(signed_at=f"{_long_day(local.date(), get_language())} {local:%H:%M}",  # "j F Y H:i"
                      verify_code=signature.verify_code, pdf_url=url_with("pledges:pdf", signature.pk),
                      verify_url=url_with("verify:detail", str(signature.verify_code)))
    ceremony = signature.ceremony if signed and signature.ceremony_id else None
    late = timezone.localdate() > campaign.deadline
    signed_late = signature.status == Signature.Status.LATE
    context = {"campaign": campaign, "form": form, "signed": signed, "signed_late": signed_late,
               "ceremony": ceremony, "need_password": need_password, "late": late, "closed": closed}
    # The signer's own values go into content kept per campaign and state (core.chrome.fragment); a form
    # with errors, or a ceremony's line, is rendered whole.
    version = campaign.version
    keep = (signed or not form.is_bound) and ceremony is None
    key = (campaign.pk, campaign.title, campaign.deadline, version.pk, version.title, version.number, signed,
           signed_late, need_password, late, closed) if keep else None
    content = chrome.fragment(request, "pledges/_sign_body.html", context, values, key=key)
    # The page around the content (inline CSS under the response's nonce, scripts) is kept: core.chrome.page.
    return chrome.page(request, "pledges/sign.html", {"title": version.title, "content": content}, status=status)


@login_not_required
@require_GET
def signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    signature = selectors.get_signature_for_signer(request, pk)
    if not signature.is_signed:
        raise Http404
    data = services.ensure_pdf(signature=signature)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"ikrar-{signature.verify_code}.pdf",
                        content_type="application/pdf")


@login_not_required
@never_cache
@ratelimit(key="ip", rate="10/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """A person without a password enters the code they received: a pledge-only session."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            employee = services.redeem_code(code=form.cleaned_data["code"])
            if employee is not None:
                if request.user.is_authenticated:
                    from django.contrib.auth import logout

                    logout(request)
                request.session.cycle_key()
                request.session[selectors.PLEDGE_SESSION_KEY] = employee.pk
                request.session[selectors.PLEDGE_SESSION_UNTIL] = time.time() + PLEDGE_SESSION_SECONDS
                # The list is the answer to this POST: no redirect, so a slow-3G phone waits one round
                # trip instead of two (benchmarks/kpps_slow_phone.py).
                return _index_page(request)
            form.add_error("code", _("This code is not valid, was already used or has expired. "
                                     "Ask your secretariat for a new one."))
            status = 400
        else:
            status = 400
    return render(request, "pledges/code.html", {"form": form}, status=status)


@login_not_required
@require_POST
def code_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(selectors.PLEDGE_SESSION_KEY, None)
    request.session.pop(selectors.PLEDGE_SESSION_UNTIL, None)
    request.session.cycle_key()
    return redirect("pledges:code")


# --- Documents -------------------------------------------------------------------------------------

@login_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.institutions_for_user(user):
        raise Http404
    return render(request, "pledges/documents.html", {
        "documents": selectors.documents_for_user(user),
        "can_edit": selectors.can_edit_documents(user)})


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    institutions = [i for i in selectors.institutions_for_user(user, selectors.EDITORS)]
    if not institutions:
        raise Http404
    from marwah.orgs.models import Institution

    form = DocumentForm(request.POST or None, institutions=Institution.objects.filter(pk__in=[i.pk for i in institutions]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = services.create_document(institution=data["institution"], kind=data["kind"], title=data["title"],
                                           body=data["body"], actor=user)
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(request, _("Document saved as version 1."))
            return redirect("pledges:document", pk=doc.pk)
    return render(request, "pledges/document_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    doc = selectors.get_document_for_user(user, pk)
    versions = list(doc.versions.all())
    latest = versions[0] if versions else None
    return render(request, "pledges/document_detail.html", {
        "document": doc, "versions": versions, "latest": latest,
        "preview": to_html(latest.body) if latest else "",
        "can_edit": selectors.can_edit_documents(user, doc.institution_id)})


@login_required
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    doc = selectors.get_document_for_user(user, pk, edit=True)
    latest = doc.versions.first()
    form = VersionForm(request.POST or None, initial={"title": latest.title, "body": latest.body} if latest else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = services.publish_version(document=doc, title=data["title"], body=data["body"], note=data["note"],
                                           actor=user)
        messages.success(request, _("Version %(n)s published. Earlier signatures keep their own version.")
                         % {"n": version.number})
        return redirect("pledges:document", pk=doc.pk)
    return render(request, "pledges/version_form.html", {"form": form, "document": doc},
                  status=400 if form.errors else 200)


# --- Campaigns and coverage ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    paths = selectors.role_paths(user, selectors.MANAGERS)
    if not paths:
        raise Http404
    from marwah.orgs.models import Unit

    # The unit picker searches on demand; the form only checks the chosen unit is in scope.
    form = CampaignForm(request.POST or None, versions=selectors.versions_for_user(user),
                        units=Unit.objects.under_any(paths))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not selectors.can_manage(user, data["unit"]):
            raise Http404
        try:
            campaign = services.create_campaign(actor=user, version=data["version"], unit=data["unit"],
                                                employment_types=data["employment_types"], title=data["title"],
                                                place=data["place"], deadline=data["deadline"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Campaign saved. The list of people in scope is being prepared."))
            return redirect("pledges:campaign", pk=campaign.pk)
    return render(request, "pledges/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
@replica_reads
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk)
    unit = selectors.coverage_unit(user, campaign, request.GET.get("unit"))
    crumbs = []
    if unit.pk != campaign.unit_id:
        from marwah.orgs.selectors import ancestors

        crumbs = [u for u in ancestors(unit) if u.path.startswith(campaign.unit_path)
                  and selectors.has_role(user, selectors.READERS, u)]
    body = _campaign_body(campaign, unit, crumbs, can_manage=selectors.can_manage(user, unit))
    # The page around it is kept too (core.chrome.page): the national page is opened by every province at once.
    return chrome.page(request, "pledges/campaign_detail.html", {"title": campaign.title, "body": body})


def _campaign_body(campaign: Campaign, unit: Unit, crumbs: list[Unit], *, can_manage: bool) -> bytes:
    """The page's content, kept as its figures are (MARWAH_COVERAGE_CACHE_SECONDS) for every reader who
    sees the same thing: the same campaign as it now stands, unit, trail, language and right to manage.
    Its forms carry the reader's own CSRF token (`chrome.CSRF_SLOT`, filled in by `chrome.page`)."""
    ttl = int(getattr(settings, "MARWAH_COVERAGE_CACHE_SECONDS", 5))
    state = (campaign.title, campaign.status, campaign.version_id, campaign.deadline, campaign.last_reminder_at,
             campaign.unit_id, [(u.pk, u.name) for u in crumbs])
    digest = hashlib.sha256(repr(state).encode()).hexdigest()[:24]
    key = f"pledges:campaign-body:{campaign.pk}:{unit.pk}:{get_language()}:{int(can_manage)}:{digest}"

    def build() -> bytes:
        figures = _coverage_figures(campaign, unit)
        return chrome.encoded(render_to_string("pledges/_campaign_body.html", {
            "campaign": campaign, "unit": unit, "figures": figures, "counts": figures.counts, "own": figures.own,
            "crumbs": crumbs, "links": _campaign_links(campaign.pk), "can_manage": can_manage,
            "deadline": date_format(campaign.deadline, "j F Y"),  # in the reader's language, not always Indonesian
            "csrf_token": chrome.CSRF_SLOT,
        }))

    # Kept encoded for chrome.page; `:utf8`, since the bare key may still hold text an older version kept.
    return kept(f"{key}:utf8", ttl, build)


@dataclass(frozen=True)
class CoverageFigures:
    summary: SafeString
    tables: SafeString
    counts: Counts
    own: Counts


def _coverage_figures(campaign: Campaign, unit: Unit) -> CoverageFigures:
    """The unit's figures, its units' table and its ceremonies: the same for every reader allowed to open
    the unit (the scope is checked before), so rendered once and kept MARWAH_COVERAGE_CACHE_SECONDS (5 s)
    per campaign, unit and language, in the shared cache and in this process (`core.cache.kept`). A
    leader's refresh shows signings at most that old; the national page, opened by every province at
    once during a campaign, reads the tallies once per interval instead of three statements and a
    table render per view (issue 14, target 4)."""
    ttl = int(getattr(settings, "MARWAH_COVERAGE_CACHE_SECONDS", 5))
    key = f"pledges:coverage:{campaign.pk}:{unit.pk}:{get_language()}"
    summary, tables, counts, own = kept(key, ttl, lambda: _render_coverage(campaign, unit))
    return CoverageFigures(mark_safe(summary), mark_safe(tables), counts, own)  # noqa: S308  (rendered here)


def _render_coverage(campaign: Campaign, unit: Unit) -> tuple[str, str, Counts, Counts]:
    counts, children = selectors.coverage(campaign, unit)
    own = counts
    if children:
        own = Counts(counts.in_scope - sum(c.counts.in_scope for c in children),
                     counts.signed - sum(c.counts.signed for c in children),
                     counts.late - sum(c.counts.late for c in children))
    summary = render_to_string("pledges/_coverage_summary.html", {"unit": unit, "counts": counts})
    tables = render_to_string("pledges/_coverage_tables.html", {
        "children": children, "rows_html": _coverage_rows(unit, own, children),
        "ceremonies": selectors.ceremonies(campaign, unit)})
    return str(summary), str(tables), counts, own


_CAMPAIGN_LINKS = {"pending": "pledges:campaign_pending", "remind": "pledges:campaign_remind",
                   "codes": "pledges:campaign_codes", "ceremony_new": "pledges:ceremony_new",
                   "sync": "pledges:campaign_sync", "close": "pledges:campaign_close"}


def _campaign_links(pk: int) -> dict[str, str]:
    """The coverage page's links, reversed once per campaign (`core.links`) rather than by ten
    `{% url %}` tags on every view."""
    links = {key: fixed_url(name, pk) for key, name in _CAMPAIGN_LINKS.items()}
    return links | {"index": fixed_url("pledges:index"), "export_xlsx": fixed_url("pledges:campaign_export", pk, "xlsx"),
                    "export_csv": fixed_url("pledges:campaign_export", pk, "csv")}


def _coverage_rows(unit: Unit, own: Counts, children: list[ChildRow]) -> SafeString:
    """The body of the units table. Built here, not in a template loop (about 0.15 ms a row), and with
    `html.escape` and f-strings rather than `format_html` (a third of the page's CPU at 38 rows): the
    national page has a row per province, a regency one per district (docs/benchmarks.md)."""
    sep = get_format("THOUSAND_SEPARATOR")
    labels = [escape(str(label)) for label in (_("In scope"), _("Signed"), _("Late"), _("Not signed"))]

    def cells(c: Counts) -> str:
        numbers = (f"{value:,}".replace(",", sep) for value in (c.in_scope, c.signed, c.late, c.pending))
        return "".join(f'<td class="num" data-label="{label}">{number}</td>'
                       for label, number in zip(labels, numbers, strict=True)) + \
            f'<td class="num" data-label="%">{int(c.percent)}</td>'

    rows = [f'<tr><td>{escape(unit.name)} <span class="small muted">({escape(str(_("this unit itself")))})</span></td>'
            f'{cells(own)}</tr>'] if own.in_scope else []
    rows += [f'<tr><td><a href="?unit={int(row.unit.pk)}">{escape(row.unit.name)}</a></td>{cells(row.counts)}</tr>'
             for row in children]
    return mark_safe("\n".join(rows))  # noqa: S308  (every text escaped above; numbers are ints)


def _page(request: HttpRequest) -> int:
    return parse_page(request.GET.get("page"))


@login_required
@require_GET
@replica_reads
def campaign_pending(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk)
    unit = selectors.coverage_unit(user, campaign, request.GET.get("unit"))
    counts = selectors.totals(campaign, unit)
    page = _page(request)
    pages = max((counts.pending + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    rows = selectors.not_signed_page(campaign, unit, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render(request, "pledges/campaign_pending.html", {
        "campaign": campaign, "unit": unit, "rows": rows, "page": page, "pages": pages, "counts": counts,
        "prev": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None})


def _export_rows(campaign, unit) -> Iterator[list[str]]:
    status = dict(Signature.Status.choices)
    qs = selectors.in_scope_list(campaign, unit).values_list(
        "employee__name", "employee__nip", "employee__employee_number", "employee__position", "unit__name", "status",
        "signed_at")[:EXPORT_LIMIT]
    for name, nip, number, position, unit_name, state, signed_at in qs.iterator(chunk_size=2000):
        when = timezone.localtime(signed_at).strftime("%Y-%m-%d %H:%M") if signed_at else ""
        yield [name, nip or number or "", position, unit_name, str(status[state]), when]


def _export_header() -> list[str]:
    return [_("Name"), _("NIP / employee number"), _("Position"), _("Unit"), _("Status"), _("Signed at")]


@login_required
@require_GET
@replica_reads
def campaign_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    user = _user(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    campaign = selectors.get_campaign_for_user(user, pk)
    unit = selectors.coverage_unit(user, campaign, request.GET.get("unit"))
    counts, children = selectors.coverage(campaign, unit)
    record(actor=user, action="pledge.coverage_exported", target=campaign, unit=unit, detail={"format": fmt})
    filename = f"cakupan-ikrar-{campaign.pk}-{unit.code}".replace("/", "-").replace(" ", "-")
    if fmt == "csv":
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def stream() -> Iterator[str]:
            yield "\ufeff"  # Excel opens UTF-8 with a BOM
            yield writer.writerow(_export_header())
            for row in _export_rows(campaign, unit):
                yield writer.writerow(row)

        streaming = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        streaming["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return streaming
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Coverage"))
    ws.append([_("Unit"), _("In scope"), _("Signed"), _("Signed late"), _("Not signed"), _("Percent")])
    for label, c in [(unit.name, counts)] + [(row.unit.name, row.counts) for row in children]:
        ws.append([label, c.in_scope, c.signed, c.late, c.pending, c.percent])
    people = wb.create_sheet(_("People"))
    people.append(_export_header())
    for row in _export_rows(campaign, unit):
        people.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk, selectors.MANAGERS)
    unit = selectors.coverage_unit(user, campaign, request.POST.get("unit"), selectors.MANAGERS)
    back = reverse("pledges:campaign", args=[campaign.pk]) + f"?unit={unit.pk}"
    last = campaign.last_reminder_at
    if last and (timezone.now() - last).total_seconds() < REMIND_COOLDOWN_SECONDS:
        messages.warning(request, _("Reminders were sent a few minutes ago. Please wait before sending again."))
        return redirect(back)
    from marwah.pledges.tasks import remind_task

    to_email = services.remindable(campaign, unit.path).count()
    pending = selectors.not_signed(campaign, unit)
    no_email = pending.filter(employee__email="").count()
    recent = pending.exclude(employee__email="").count() - to_email
    hours = int(services.remind_interval().total_seconds() // 3600)
    if to_email:
        record(actor=user, action="pledge.reminders_requested", target=campaign, unit=unit,
               detail={"emails": to_email, "no_email": no_email, "recent": recent})
        enqueue_on_commit(remind_task, campaign.pk, unit.pk)
        messages.success(request, ngettext("A reminder is being emailed to %(n)s person who has not signed.",
                                           "Reminders are being emailed to %(n)s people who have not signed.",
                                           to_email) % {"n": to_email})
    else:
        messages.info(request, _("Nobody was emailed."))
    if recent:
        messages.info(request, ngettext(
            "%(n)s person was already reminded in the last %(h)s hours and is skipped.",
            "%(n)s people were already reminded in the last %(h)s hours and are skipped.", recent)
            % {"n": recent, "h": hours})
    if no_email:
        codes_url = reverse("pledges:campaign_codes", args=[campaign.pk]) + f"?unit={unit.pk}&who=no_email"
        messages.warning(request, format_html(
            "{} <a href=\"{}\">{}</a>",
            ngettext("%(n)s person has no email address and gets no reminder.",
                     "%(n)s people have no email address and get no reminder.", no_email) % {"n": no_email},
            codes_url, _("Issue one-time codes for them (CSV for SMS)")))
    return redirect(back)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk, selectors.MANAGERS)
    if not selectors.can_manage(user, campaign.unit):  # only whoever covers the whole campaign
        raise Http404
    services.close_campaign(campaign=campaign, actor=user)
    messages.success(request, _("Campaign closed."))
    return redirect("pledges:campaign", pk=campaign.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def campaign_codes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk, selectors.MANAGERS)
    unit = selectors.coverage_unit(user, campaign, request.GET.get("unit") or request.POST.get("unit"),
                                   selectors.MANAGERS)
    no_email = (request.GET.get("who") or request.POST.get("who")) == "no_email"
    if request.method == "POST":
        issued = services.issue_codes(campaign=campaign, unit=unit, actor=user,
                                      signed=request.POST.get("signed") == "1", no_email=no_email)
        if request.POST.get("format") == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([_("Name"), _("Employee number"), _("Unit"), _("Phone"), _("One-time code"),
                             _("Address"), _("Sent by email")])
            address = services.code_address()
            for item in issued:
                e = item.employee
                writer.writerow([e.name, e.nip or e.employee_number or "", e.unit.name, e.phone, item.code, address,
                                 _("yes") if item.emailed else _("no")])
            response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="kode-ikrar-{campaign.pk}.csv"'
            return response
        return render(request, "pledges/codes_issued.html", {"campaign": campaign, "unit": unit, "issued": issued,
                                                              "address": services.code_address()})
    who = {"employee__email": ""} if no_email else {"employee__user__isnull": True}
    count = selectors.not_signed(campaign, unit).filter(**who).count()
    return render(request, "pledges/codes.html", {"campaign": campaign, "unit": unit, "count": count,
                                                  "no_email": no_email})


@login_required
@require_POST
def campaign_sync(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk, selectors.MANAGERS)
    if not selectors.can_manage(user, campaign.unit):
        raise Http404
    from marwah.pledges.tasks import sync_scope_task

    record(actor=user, action="pledge.scope_sync_requested", target=campaign, unit=campaign.unit_id)
    enqueue_on_commit(sync_scope_task, campaign.pk)
    messages.success(request, _("People who joined since the launch are being added."))
    return redirect("pledges:campaign", pk=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def ceremony_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.get_campaign_for_user(user, pk, selectors.MANAGERS)
    unit = selectors.coverage_unit(user, campaign, request.GET.get("unit"), selectors.MANAGERS)
    signatures = selectors.unit_people_for_ceremony(campaign, unit)
    form = CeremonyForm(request.POST or None, signatures=signatures,
                        initial={"held_on": timezone.localdate(), "place": campaign.place})
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["present"])
        present = [s for s in signatures if str(s.pk) in chosen]
        for s in present:
            s.campaign = campaign
        ceremony = services.record_ceremony(campaign=campaign, unit=unit, held_on=form.cleaned_data["held_on"],
                                            place=form.cleaned_data["place"], actor=user,
                                            signatures=present)
        messages.success(request, _("Ceremony recorded with %(n)s people present.") % {"n": ceremony.attendance})
        return redirect("pledges:ceremony", pk=ceremony.pk)
    return render(request, "pledges/ceremony_form.html", {
        "campaign": campaign, "unit": unit, "form": form, "signed": [s for s in signatures if s.is_signed]},
        status=400 if form.errors else 200)


@login_required
@require_GET
def ceremony_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ceremony = selectors.get_ceremony_for_user(user, pk)
    return render(request, "pledges/ceremony_detail.html", {
        "ceremony": ceremony, "signatures": selectors.ceremony_signatures(ceremony)})


# --- Public verification (the QR target) -----------------------------------------------------------

@login_not_required
@require_GET
def verify_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Confirms a registered document (a pledge, a decision letter, a leave letter: marwah.core.verify):
    only what may be shown publicly."""
    from marwah.core.verify import lookup

    document = lookup(code)
    if document is None:
        raise Http404
    return render(request, "pledges/verify_detail.html", {"document": document, "code": code.upper(),
                                                          "form": UploadForm()})


@dataclass(frozen=True)
class UploadResult:
    check: Any  # pledges.pdf.PdfCheck
    document: Any  # core.verify.VerifiedDocument | None
    not_pdf: bool = False

    @property
    def ok(self) -> bool:
        return not self.not_pdf and self.check.ok and self.document is not None


def _looks_like_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def check_any_upload(data: bytes) -> UploadResult:
    """Issue 9.11: a file that is not a PDF is told so; a PDF is checked for our signature and its hash
    looked up among every registered document (pledges, decision letters, leave letters)."""
    from marwah.core.verify import lookup_sha256
    from marwah.pledges import pdf as pdfmod

    if not _looks_like_pdf(data):
        return UploadResult(pdfmod.PdfCheck(False, False, False, False), None, not_pdf=True)
    return UploadResult(pdfmod.check_pdf(data), lookup_sha256(hashlib.sha256(data).hexdigest()))


@login_not_required
@ratelimit(key="ip", rate="30/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many checks. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            result = check_any_upload(form.cleaned_data["pdf"].read())
        else:
            status = 400
    return render(request, "pledges/verify_upload.html", {"form": form, "result": result}, status=status)
