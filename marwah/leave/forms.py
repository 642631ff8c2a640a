from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.leave.models import DayStatus

MAX_UPLOAD = 200 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"))
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Seen only by you, your superior, the deciding official and HR."))
    proof = forms.FileField(label=_("Supporting document (PDF, JPG or PNG)"), required=False,
                            help_text=_("Needed for sick leave of more than one day, maternity leave and some "
                                        "permissions."))

    def __init__(self, *args: Any, type_choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve")), ("change", _("Change the dates and approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when you refuse or change the dates."))
    start = forms.DateField(label=_("New first day"), required=False, widget=DATE)
    end = forms.DateField(label=_("New last day"), required=False, widget=DATE)


class RecallForm(forms.Form):
    on = forms.DateField(label=_("Back at work on"), widget=DATE)
    note = forms.CharField(label=_("Reason for the call-back"), max_length=500)


class DelegationForm(forms.Form):
    to = forms.CharField(label=_("Delegate to (username)"), max_length=150)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CorrectionForm(forms.Form):
    delta = forms.IntegerField(label=_("Days to add (negative to remove)"), min_value=-60, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ImportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Import for (this unit and the units under it)"), coerce=int)
    file = forms.FileField(label=_("Attendance file (.csv or .xlsx)"),
                           help_text=_("Columns: nip, tanggal, jam_masuk, jam_pulang, and optionally status "
                                       "(H or A). The first row is the header."))

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices  # type: ignore[attr-defined]

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 200 MB; split it."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class MarkForm(forms.Form):
    ref = forms.CharField(label=_("NIP or employee number"), max_length=40)
    day = forms.DateField(label=_("Day"), widget=DATE)
    status = forms.ChoiceField(label=_("Mark as"), choices=DayStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PermissionTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    max_per_month = forms.IntegerField(label=_("At most per month"), required=False, min_value=0, max_value=31)
    needs_document = forms.BooleanField(label=_("Needs a document"), required=False)
    needs_official = forms.BooleanField(label=_("The authorised official decides after the superior"),
                                        required=False)
