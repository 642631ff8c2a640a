from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role
from marwah.orgs.widgets import UnitField


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username or NIP"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app (or a recovery code)"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class RoleAssignForm(forms.Form):
    username = forms.CharField(label=_("Username or NIP of the person"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitField(roles=[Role.ADMIN], label=_("Unit (the role covers this unit and everything under it)"))
    is_chair = forms.BooleanField(label=_("Chair / team lead"), required=False)


class KeyRecoveryForm(forms.Form):
    password = forms.CharField(label=_("Your current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    recovery_key = forms.CharField(
        label=_("Recovery key (32 letters and digits, shown when you set up two-step verification)"),
        max_length=64, required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    confirm_new = forms.BooleanField(
        label=_("I lost my recovery key: make a new key (my team re-shares my cases)"), required=False)
