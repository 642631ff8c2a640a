from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from marwah.accounts.selectors import ORG_MANAGERS
from marwah.orgs.widgets import UnitField
from marwah.people.models import EmploymentType


class BatchForm(forms.Form):
    unit = UnitField(roles=ORG_MANAGERS, label=_("Invite the people of this unit and every unit under it"))
    employment_types = forms.MultipleChoiceField(
        label=_("Employment types"), choices=EmploymentType.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text=_("Leave all unticked to invite every type."))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Activation code"), max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}))


class ActivateForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one:
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
