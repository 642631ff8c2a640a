"""Pledges: forms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.accounts.models import Role, User
from marwah.orgs.models import Institution, Unit
from marwah.orgs.widgets import UnitPicker
from marwah.people.models import EmploymentType
from marwah.pledges.models import DocumentKind, DocumentVersion, Signature
from marwah.pledges.text import unknown_placeholders

BODY_HELP = _("Formatting: # heading, blank line between paragraphs, '1.' numbered list, '- ' bullet list, "
              "**bold**, _italic_. Placeholders: {name} {nip} {position} {unit} {place} {date}.")


def _clean_body(body: str) -> str:
    bad = unknown_placeholders(body)
    if bad:
        raise forms.ValidationError(
            _("Unknown placeholder(s): %(names)s. Allowed: {name} {nip} {position} {unit} {place} {date}."),
            params={"names": ", ".join("{" + b + "}" for b in bad)})
    return body


class DocumentForm(forms.Form):
    institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        label=_("Institution"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=BODY_HELP,
                           max_length=20000)

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions

    def clean_body(self) -> str:
        return _clean_body(self.cleaned_data["body"])


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=BODY_HELP,
                           max_length=20000)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def clean_body(self) -> str:
        return _clean_body(self.cleaned_data["body"])


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DocumentVersion) -> str:
        return f"{obj.document.institution.short_name} · {obj}"


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so the tree reads in a flat select."""

    def label_from_instance(self, obj: Unit) -> str:
        return ("— " * obj.depth) + obj.name


class CampaignForm(forms.Form):
    version = VersionChoiceField(label=_("Document"), queryset=None, empty_label=None)
    unit = UnitChoiceField(label=_("For the unit (and everything under it)"), queryset=None, empty_label=None,
                           widget=UnitPicker(roles=(Role.ADMIN, Role.HR, Role.UNIT_LEADER)))
    employment_types = forms.MultipleChoiceField(
        label=_("Employment types"), choices=EmploymentType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Leave all unticked to include everyone."))
    title = forms.CharField(label=_("Campaign title"), max_length=200)
    place = forms.CharField(label=_("Place of signing"), max_length=120,
                            help_text=_("Printed on the signed document, e.g. Labuha."))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, versions: QuerySet[DocumentVersion], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["version"]).queryset = versions
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def clean_deadline(self) -> date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        version, unit = data.get("version"), data.get("unit")
        if version and unit and version.document.institution_id != unit.institution_id:
            self.add_error("unit", _("This unit belongs to another institution than the document."))
        return data


class ConfirmSignForm(forms.Form):
    agree = forms.BooleanField(label=_("I have read the whole text and I agree to it."), error_messages={
        "required": _("Tick the box to confirm that you have read the whole text and agree to it; "
                      "without it the pledge is not signed.")})

    def __init__(self, *args: Any, user: User | None = None, need_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.need_password = user, need_password
        if need_password:  # added only then: most signings (a recent sign-in, a code) copy one field, not two
            self.fields["password"] = forms.CharField(
                label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if self.need_password and (self.user is None or not self.user.check_password(password)):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class CodeForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                                         "spellcheck": "false", "inputmode": "text"}))


class CeremonyForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    present = forms.MultipleChoiceField(label=_("Present"), required=True, widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("Tick at least one person who was present.")})

    def __init__(self, *args: Any, signatures: Iterable[Signature] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = [
            (str(s.pk), s.employee.name) for s in signatures if not s.is_signed]

    def clean_held_on(self) -> date:
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A ceremony cannot be recorded before it took place."))
        return day


class UploadForm(forms.Form):
    pdf = forms.FileField(label=_("Signed PDF"))

    def clean_pdf(self) -> UploadedFile:
        upload = self.cleaned_data["pdf"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
