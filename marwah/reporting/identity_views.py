"""The identity gate's pages: a handler's request beside the case, a custodian's inbox and decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marwah.reporting import escrow, identity, selectors, vault
from marwah.reporting.forms import IdentityRequestForm


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _unlock(next_url: str) -> HttpResponse:
    return redirect(f"{reverse('keys:unlock')}?next={next_url}")


@login_required
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """A handler of the case asks to see who reported, with a written reason."""
    report = selectors.get_report_for_staff(request.user, public_id)
    if vault.report_key_for(request, report) is None:
        return _unlock(request.path)
    form = IdentityRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identity.request_identity(request=request, report=report, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request has been recorded. An identity custodian must approve it."))
        return redirect("identity:request", public_id=report.public_id)
    rows: list[dict[str, Any]] = []
    revealed = None
    for req in selectors.identity_requests(report):
        mine = req.requester_id == request.user.pk
        rows.append({"req": req, "reason": identity.handler_reason(request=request, identity_request=req),
                     "mine": mine})
        if revealed is None and mine and req.status == req.Status.APPROVED:
            revealed = identity.reveal_identity(request=request, identity_request=req)
    selectors.audit_read(request.user, report, "reporting.identity_page_read")
    return _no_store(render(request, "reporting/identity.html", {
        "report": report, "form": form, "rows": rows, "identity": revealed,
        "has_pending_mine": any(r["mine"] and r["req"].status == "pending" for r in rows),
        "has_custodian": report.custodian_shares.filter(retired_key=None).exists(),
    }, status=400 if form.errors else 200))


def _custodian(request: HttpRequest) -> Any:
    user = vault.request_user(request)
    if not identity.is_custodian(user):
        raise Http404
    return user


@login_required
@require_http_methods(["GET"])
def custodian_inbox(request: HttpRequest) -> HttpResponse:
    _custodian(request)
    locked = vault.session_private_key(request) is None
    return _no_store(render(request, "reporting/custodian_inbox.html", {
        "pending": identity.requests_for_custodian(request),
        "decided": identity.requests_for_custodian(request, pending_only=False)[:20],
        "locked": locked, "unlock_url": f"{reverse('keys:unlock')}?next={request.path}",
    }))


@login_required
@require_POST
def custodian_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _custodian(request)
    req = identity.get_request_for_custodian(user, pk)
    try:
        identity.decide(request=request, identity_request=req, approve=request.POST.get("decision") == "approve")
    except vault.ReportLocked:
        return _unlock(reverse("identity:inbox"))
    except PermissionDenied:
        messages.error(request, _("This request was already decided, or it is your own."))
        return redirect("identity:inbox")
    messages.success(request, _("Your decision has been recorded."))
    return redirect("identity:inbox")


@login_required
@require_POST
def custodian_share(request: HttpRequest) -> HttpResponse:
    _custodian(request)
    try:
        count = identity.share_with_custodians(request=request)
    except vault.ReportLocked:
        return _unlock(reverse("identity:inbox"))
    messages.success(request, _("The custodians' key was shared with %(n)d other custodians.") % {"n": count})
    return redirect("identity:inbox")


@login_required
@require_http_methods(["GET"])
def held_above(request: HttpRequest) -> HttpResponse:
    """Reports this user holds as the level above a team; re-share when a member lost the key."""
    held = escrow.reports_held_above(vault.request_user(request))
    if not held:
        raise Http404
    return render(request, "reporting/held_above.html", {
        "held": held, "locked": vault.session_private_key(request) is None,
        "unlock_url": f"{reverse('keys:unlock')}?next={request.path}",
    })


@login_required
@require_POST
def reshare_above(request: HttpRequest, public_id: str) -> HttpResponse:
    user = vault.request_user(request)
    held = next((h for h in escrow.reports_held_above(user) if h.case_public_id == public_id), None)
    if held is None:  # not a holder above this report's team (or no such report): nothing to say
        raise Http404
    report = held.report
    if vault.session_private_key(request) is None:
        return _unlock(reverse("identity:held_above"))
    count = escrow.reshare_from_above(request=request, report=report)
    messages.success(request, _("Access shared with %(n)d team members.") % {"n": count})
    return redirect("identity:held_above")
