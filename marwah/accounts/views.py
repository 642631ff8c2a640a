"""Login, second factor, password reset, profile and role management."""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.decorators import ratelimit

from marwah.accounts import selectors, services, throttle
from marwah.accounts.access import second_factor_not_required
from marwah.accounts.forms import KeyRecoveryForm, LoginForm, RoleAssignForm, TokenForm
from marwah.accounts.models import Role, User
from marwah.accounts.signals import password_changed, password_verified
from marwah.core.checks import demo_mode_active


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _find_user(identifier: str) -> str:
    """People log in with their username or their NIP."""
    ident = identifier.strip()
    if ident.isascii() and ident.isdigit() and len(ident) == 18:
        user = User.objects.filter(employee__nip=ident).only("username").first()
        if user:
            return user.username
    return ident


def _login_rate(group: str, request: HttpRequest) -> str:
    return settings.LOGIN_RATE


def _reset_rate(name: str):  # type: ignore[no-untyped-def]
    return lambda group, request: getattr(settings, name)


def _login_wait(request: HttpRequest, seconds: int) -> HttpResponse:
    form = LoginForm(request.POST)
    form.is_valid()
    form.add_error(None, ngettext(
        "Too many wrong passwords for this account. Please wait %(n)d second and try again.",
        "Too many wrong passwords for this account. Please wait %(n)d seconds and try again.", seconds,
    ) % {"n": seconds})
    response = render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@login_not_required
@ratelimit(key="ip", rate=_login_rate, method="POST", block=True)
@throttle.throttled(_login_wait)
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = _find_user(form.cleaned_data["username"])
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is not None:
            login(request, user)
            password_verified.send(sender=User, request=request, user=user,
                                   password=form.cleaned_data["password"])
            services.record_login(user=user, verified=False)
            next_url = _safe_next(request, reverse("core:home"))
            if selectors.requires_two_factor(user):
                return redirect(f"{reverse('accounts:two_factor')}?next={next_url}")
            return redirect(next_url)
        form.add_error(None, _("The username/NIP or password is not correct."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@second_factor_not_required
@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


def _after_second_factor(request: HttpRequest, next_url: str) -> HttpResponse | None:
    """The key opened at the password step becomes usable only now; a key the password no longer
    opens (reset) sends the user to recovery."""
    from marwah.reporting import vault

    vault.promote_waiting_key(request)
    if vault.key_needs_recovery(request):
        return redirect(f"{reverse('accounts:key_recovery')}?next={next_url}")
    return None


def _demo_code(user: User, device: TOTPDevice | None) -> str | None:
    """Demo mode only: the code the device accepts next.

    A code is accepted once: when the current one was just used (a second login within the
    same 30 seconds) the next one is shown, which the device's tolerance already accepts.
    None when no code would be accepted right now (the template then says to wait).
    """
    if device is None or not (user.is_demo and demo_mode_active()):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_t = totp.t()
    for t in range(now_t, now_t + device.tolerance + 1):
        if t > device.last_t:
            totp.time = time.time() + (t - now_t) * device.step
            return str(totp.token()).zfill(device.digits)
    return None


def _demo_wait(user: User, device: TOTPDevice | None) -> int:
    """Seconds until a new code exists, when demo mode has no acceptable code to show."""
    if device is None or not (user.is_demo and demo_mode_active()) or _demo_code(user, device):
        return 0
    return int(device.step - (time.time() - device.t0) % device.step) + 1


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes. Please wait %(n)d second, then enter the code shown now.",
        "Too many wrong codes. Please wait %(n)d seconds, then enter the code shown now.", seconds,
    ) % {"n": seconds}


def _otp_wait(device: TOTPDevice | None) -> int:
    """Seconds django-otp still refuses codes after wrong ones (0 when codes are accepted)."""
    if device is None:
        return 0
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    return max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))


@second_factor_not_required
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={_safe_next(request, '/')}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused_for = _otp_wait(device)  # django-otp refuses every code until then
        matched = match_token(user, form.cleaned_data["token"])
        if matched is not None:
            otp_login(request, matched)
            services.record_login(user=user, verified=True)
            next_url = _safe_next(request, reverse("core:home"))
            return _after_second_factor(request, next_url) or redirect(next_url)
        form.add_error("token", _wait_message(refused_for) if refused_for else
                       _("That code is not valid. Codes change every 30 seconds."))
    return render(request, "accounts/two_factor.html", {
        "form": form, "next": _safe_next(request, ""), "demo_code": _demo_code(user, device),
        "demo_wait": _demo_wait(user, device),
    })


@second_factor_not_required
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing a device needs the old one first.
        return redirect("accounts:two_factor")
    device_id = request.session.get("totp_enrollment")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
    if device is None:
        device = services.start_totp_enrollment(user=user)
        request.session["totp_enrollment"] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused_for = _otp_wait(device)  # django-otp refuses every code until then
        codes = services.confirm_totp(user=user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            request.session.pop("totp_enrollment", None)
            otp_login(request, device)
            from marwah.reporting import vault

            vault.promote_waiting_key(request)
            # GlobaLeaks' practice: a recovery key for the private key, shown once, with the codes.
            recovery_key = vault.create_recovery_key(request=request)
            return _no_store(render(request, "accounts/recovery_codes.html", {
                "codes": codes, "recovery_key": recovery_key, "next": _safe_next(request, reverse("core:home")),
            }))
        form.add_error("token", _wait_message(refused_for) if refused_for else
                       _("That code is not valid. Check the time on your phone and try again."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d2330")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": b32encode(device.bin_key).decode(),
        "next": _safe_next(request, ""), "demo_code": _demo_code(user, device),
    })


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    assignments = user.roles.select_related("unit", "unit__institution").order_by("role")
    employee = getattr(user, "employee", None)
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    from marwah.reporting import escrow, vault

    return render(request, "accounts/profile.html", {
        "holds_keys_above": escrow.holds_any_above(user),
        "assignments": assignments, "employee": employee, "has_totp": has_totp,
        "has_recovery_key": vault.has_recovery_key(user),
        "key_unlocked": vault.session_private_key(request) is not None,
    })


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def recovery_key(request: HttpRequest) -> HttpResponse:
    """A new recovery key for the private key (the old one stops working), shown once."""
    from marwah.reporting import vault

    user = request.user
    assert isinstance(user, User)
    if not vault.second_factor_passed(request, user):
        raise PermissionDenied
    key = vault.create_recovery_key(request=request)
    if key is None:
        messages.error(request, _("Unlock your keys first: confirm your password, then make the recovery key."))
        return redirect(f"{reverse('keys:unlock')}?next={reverse('accounts:profile')}")
    return _no_store(render(request, "accounts/recovery_codes.html", {
        "codes": [], "recovery_key": key, "next": reverse("accounts:profile")}))


@ratelimit(key="user", rate="10/m", method="POST", block=True)
@login_required
def key_recovery(request: HttpRequest) -> HttpResponse:
    """After a password reset: restore the key pair with the recovery key, or (lost) start anew."""
    from marwah.reporting import vault

    user = request.user
    assert isinstance(user, User)
    if not vault.second_factor_passed(request, user):
        raise PermissionDenied
    next_url = _safe_next(request, reverse("core:home"))
    form = KeyRecoveryForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        if request.POST.get("action") == "new":
            if form.cleaned_data["confirm_new"] and vault.start_new_key_pair(request=request, password=password):
                messages.warning(request, _("A new key was made. Ask a teammate or your team leader to share "
                                            "your open cases with you again."))
                return redirect(next_url)
            form.add_error("confirm_new", _("Tick the box and enter your password to make a new key."))
        elif vault.recover_with_recovery_key(request=request, password=password,
                                             recovery_key=form.cleaned_data["recovery_key"]):
            messages.success(request, _("Your key is restored. You can read your reports again."))
            return redirect(next_url)
        else:
            form.add_error(None, _("The password or the recovery key is not correct."))
        status = 400
    elif request.method == "POST":
        status = 400
    return _no_store(render(request, "accounts/key_recovery.html", {
        "form": form, "next": next_url, "has_recovery_key": vault.has_recovery_key(user)}, status=status))


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.is_verified():  # type: ignore[attr-defined]  # set by django-otp's middleware
        raise PermissionDenied
    codes = services.regenerate_recovery_codes(user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:profile")})


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not selectors.has_role(user, Role.ADMIN):
        raise PermissionDenied
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = selectors.get_unit_for_user(user, form.cleaned_data["unit"], [Role.ADMIN])
        target = User.objects.filter(username=_find_user(form.cleaned_data["username"])).first()
        if target is None:
            from marwah.onboarding.views import invite_for_role  # a NIP without an account: invite them

            invited = invite_for_role(request, form=form, unit=unit)
            if invited is not None:
                return invited
        else:
            try:
                services.assign_role(actor=user, user=target, role=form.cleaned_data["role"], unit=unit,
                                     is_chair=form.cleaned_data["is_chair"])
            except ValidationError as exc:
                form.add_error("role", exc.messages[0])
            else:
                messages.success(request, _("Role assigned."))
                return redirect("accounts:roles")
    assignments = selectors.role_assignments_for_admin(user)
    return render(request, "accounts/roles.html", {"form": form, "assignments": assignments})


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    assignment = selectors.get_role_assignment_for_admin(user, pk)
    services.revoke_role(actor=user, assignment=assignment)
    messages.success(request, _("Role removed."))
    return redirect("accounts:roles")


def _reset_email(group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()[:254]


@method_decorator(ratelimit(key="ip", rate=_reset_rate("PASSWORD_RESET_RATE_IP"), method="POST", block=True),
                  name="dispatch")
@method_decorator(ratelimit(key=_reset_email, rate=_reset_rate("PASSWORD_RESET_RATE_ACCOUNT"), method="POST",
                            block=True), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        password_changed.send(sender=User, request=self.request, user=form.user,
                              password=form.cleaned_data["new_password1"], old_password=None)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        password_changed.send(sender=User, request=self.request, user=form.user,
                              password=form.cleaned_data["new_password1"],
                              old_password=form.cleaned_data["old_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response
