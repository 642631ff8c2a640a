"""Staff pages of a report's content, beside the case page (/kasus/<id>/laporan/…).

Kept apart from the public channel (views.py, /lapor/): nothing here is public, and the
default-deny middleware asks for a login and a passed second factor before any of it runs.
Every report is loaded through `selectors.get_report_for_staff` (404 for anyone off the team).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from marwah.core.views import rate_limited
from marwah.reporting import selectors, services, vault
from marwah.reporting.forms import StaffMessageForm, UnlockForm


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _unlock_url(request: HttpRequest, next_url: str) -> str:
    return f"{reverse('keys:unlock')}?next={next_url}"


@require_safe
def staff_content(request: HttpRequest, public_id: str) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, public_id)
    content = selectors.open_report(request=request, report=report)
    return render(request, "reporting/_staff_content.html", {
        "report": report, "content": content,
        "unlock_url": _unlock_url(request, request.headers.get("HX-Current-URL", "") or request.path),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def staff_conversation(request: HttpRequest, public_id: str) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, public_id)
    key = vault.report_key_for(request, report)
    form = StaffMessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and key is not None:
        if form.is_valid():
            services.post_staff_message(request=request, report=report, text=form.cleaned_data["text"])
            form = StaffMessageForm()
        else:
            status = 400
    thread = []
    if key is not None:
        thread = selectors.conversation(report, key, for_staff=True)
        services.mark_read(report=report, by_reporter=False)
        selectors.audit_read(request.user, report, "reporting.conversation_read")
    return render(request, "reporting/_staff_conversation.html", {
        "report": report, "thread": thread, "form": form, "locked": key is None,
        "unlock_url": _unlock_url(request, request.headers.get("HX-Current-URL", "") or request.path),
    }, status=status)


@require_safe
def staff_evidence(request: HttpRequest, public_id: str, evidence_id: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, public_id)
    key = vault.report_key_for(request, report)
    if key is None:
        return redirect(_unlock_url(request, request.path))
    evidence = selectors.get_evidence(report, evidence_id)
    name = next((e.name for e in selectors.evidence_list(report, key) if e.id == evidence.pk), "bukti")
    data = services.read_evidence(report=report, key=key, evidence=evidence)
    selectors.audit_read(request.user, report, "reporting.evidence_downloaded", {"evidence": evidence.pk})
    response = HttpResponse(data, content_type=evidence.content_type)
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "bukti"
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


# --- Unlocking one's key (needs the password again), on the staff side: /kasus/kunci/buka/ ---------------

def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if vault.try_unlock(request=request, password=form.cleaned_data["password"]):
            messages.success(request, _("Your keys are unlocked for this session."))
            return redirect(_safe_next(request))
        if vault.key_needs_recovery(request):
            return redirect(f"{reverse('accounts:key_recovery')}?next={_safe_next(request)}")
        form.add_error("password", _("That password is not correct."))
    return render(request, "reporting/unlock.html", {"form": form, "next": _safe_next(request)},
                  status=400 if form.errors else 200)
