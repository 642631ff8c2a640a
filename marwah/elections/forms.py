"""Forms for the election calendar, the stage import, participants and watch records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.elections.catalog import form_label
from marwah.elections.models import ElectionKind, Level, Participant, ParticipantKind, Period, Stage

MAX_UPLOAD = 5 * 1024 * 1024


class StageImportForm(forms.Form):
    election = forms.ChoiceField(label=_("Election"), required=False,
                                 help_text=_("Replace the stages of an existing election, or leave empty and "
                                             "fill in a new election below."))
    code = forms.SlugField(label=_("New election: code"), required=False, max_length=40,
                           help_text=_("For example pilkada-2029 (letters, numbers and dashes)."))
    name = forms.CharField(label=_("New election: name"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("New election: kind"), required=False, choices=ElectionKind.choices)
    level = forms.ChoiceField(label=_("New election: level"), required=False, choices=Level.choices)
    area = forms.CharField(label=_("New election: area"), required=False, max_length=200)
    is_draft = forms.BooleanField(label=_("Planning draft (dates not yet fixed by a PKPU)"), required=False)
    file = forms.FileField(label=_("Stage file (.csv or .xlsx)"),
                           help_text=_("Columns: kode, nama, mulai, selesai (YYYY-MM-DD), periode (sebelum, "
                                       "selama, sesudah), bentuk_rawan (forms 1–10, e.g. 2:30.4;6;7), "
                                       "yang_diawasi. The first row is the header."))

    def __init__(self, *args: Any, election_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["election"].choices = [("", _("— a new election —")), *election_choices]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("election"):
            for name in ("code", "name"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a new election."))
        return data


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "starts", "ends", "period", "watch"]
        widgets = {"starts": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "ends": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "watch": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = Period.choices  # type: ignore[attr-defined]
        for point in self.instance.points.all():
            self.fields[f"weight_{point.form}"] = forms.DecimalField(
                label=_("Risk weight (%%) — %(form)s") % {"form": form_label(point.form)},
                min_value=Decimal(0), max_value=Decimal(100), decimal_places=1, initial=point.weight)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The stage ends before it starts."))
        return data

    def weights(self) -> dict[int, Decimal]:
        return {int(k.split("_")[1]): v for k, v in self.cleaned_data.items() if k.startswith("weight_")}


LIST_FIELDS = ("aliases", "slogans", "hashtags", "teams", "symbols")


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ParticipantKind.choices)
    number = forms.CharField(label=_("Ballot number"), required=False, max_length=8)
    name = forms.CharField(label=_("Name"), max_length=200)
    area = forms.CharField(label=_("Area"), required=False, max_length=120)
    aliases = forms.CharField(label=_("Names and abbreviations (one per line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    slogans = forms.CharField(label=_("Slogans (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    hashtags = forms.CharField(label=_("Hashtags (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    teams = forms.CharField(label=_("Campaign teams (one per line)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    symbols = forms.CharField(label=_("Symbols (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def for_participant(cls, participant: Participant, data: Any = None) -> ParticipantForm:
        initial = {"kind": participant.kind, "number": participant.number, "name": participant.name,
                   "area": participant.area}
        initial |= {k: "\n".join(getattr(participant, k)) for k in LIST_FIELDS}
        return cls(data, initial=initial)

    def values(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        for key in LIST_FIELDS:
            d[key] = [line.strip() for line in d[key].splitlines() if line.strip()][:100]
        return d


class WatchRecordForm(forms.Form):
    checked = forms.CharField(label=_("What was checked"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("For example: the public accounts of the unit's 40 staff, 1–7 December."))
    found = forms.CharField(label=_("What was found"), required=False, max_length=3000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Leave empty if nothing was found. Log each finding as a lead."))
