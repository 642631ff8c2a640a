"""Socialisation: forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marwah.orgs.models import Unit
from marwah.people.models import EmploymentType
from marwah.socialisation.models import Material, Outreach, Programme, Session, Topic
from marwah.socialisation.services import SpeakerSpec

DT_FORMAT = "%Y-%m-%dT%H:%M"


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 0, 0) + obj.name


class UnitMultiChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 0, 0) + obj.name


def _speakers(text: str, external: bool) -> list[SpeakerSpec]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, affiliation = line.partition("—" if "—" in line else "-")
        out.append(SpeakerSpec(name=name.strip()[:150], affiliation=affiliation.strip()[:200], is_external=external))
    return out


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    programme: forms.ModelChoiceField[Programme] = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    mode = forms.ChoiceField(label=_("Form"), choices=Session.Mode.choices)
    topics: forms.ModelMultipleChoiceField[Topic] = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), widget=forms.CheckboxSelectMultiple)
    host_unit = UnitChoice(label=_("Host unit"), queryset=Unit.objects.none(), empty_label=None)
    participating = UnitMultiChoice(
        label=_("Participating units"), queryset=Unit.objects.none(), required=False,
        help_text=_("Everyone under each chosen unit is expected. Empty: the host unit."))
    starts_at = forms.DateTimeField(label=_("Starts at"), input_formats=[DT_FORMAT],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT))
    ends_at = forms.DateTimeField(label=_("Ends at"), input_formats=[DT_FORMAT],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    meeting_url = forms.URLField(label=_("Meeting link"), required=False, assume_scheme="https")
    speakers = forms.CharField(label=_("Speakers from the institution"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("One per line: name — position."))
    outside_speakers = forms.CharField(label=_("Outside speakers"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("One per line: name — organisation."))

    def __init__(self, *args: Any, units: QuerySet[Unit], topics: QuerySet[Topic],
                 programmes: QuerySet[Programme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["host_unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["participating"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["topics"]).queryset = topics
        if programmes is not None:
            cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        mode = data.get("mode")
        if mode in (Session.Mode.ONLINE, Session.Mode.HYBRID) and not data.get("meeting_url"):
            self.add_error("meeting_url", _("An online or hybrid session needs its meeting link."))
        if mode in (Session.Mode.OFFLINE, Session.Mode.HYBRID) and not data.get("place"):
            self.add_error("place", _("An in-person or hybrid session needs its place."))
        host, units = data.get("host_unit"), data.get("participating") or []
        if host and any(u.institution_id != host.institution_id for u in units):
            self.add_error("participating", _("Participating units must belong to the host's institution."))
        return data

    def speaker_specs(self) -> list[SpeakerSpec]:
        return (_speakers(self.cleaned_data.get("speakers", ""), False)
                + _speakers(self.cleaned_data.get("outside_speakers", ""), True))

    @staticmethod
    def initial_times() -> dict[str, Any]:
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        return {"starts_at": start.replace(hour=9), "ends_at": start.replace(hour=11)}


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = UnitChoice(label=_("For the unit (with everything under it)"), queryset=Unit.objects.none(),
                      empty_label=None)
    topics: forms.ModelMultipleChoiceField[Topic] = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), widget=forms.CheckboxSelectMultiple)
    employment_types = forms.MultipleChoiceField(
        label=_("Employment types"), choices=EmploymentType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: everyone."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: QuerySet[Unit], topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["topics"]).queryset = topics


class ApelForm(forms.Form):
    topic: forms.ModelChoiceField[Topic] = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(),
                                                                  empty_label=None)
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)

    def __init__(self, *args: Any, units: QuerySet[Unit], topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["topic"]).queryset = topics


class CodeForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Participant list (CSV from Zoom or another meeting tool)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return f


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("Ask anonymously (your name is not stored)"), required=False,
                                   initial=True)


class OutreachForm(forms.Form):
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Outreach.Channel.choices)
    topic: forms.ModelChoiceField[Topic] = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(),
                                                                  required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    reach = forms.IntegerField(label=_("Reach (if known)"), required=False, min_value=0)

    def __init__(self, *args: Any, units: QuerySet[Unit], topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["topic"]).queryset = topics


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    regulation = forms.CharField(label=_("Source regulation"), max_length=300,
                                 help_text=_("E.g. Keputusan KPU No. 1341 Tahun 2024, Pasal 4."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    quiz = forms.CharField(label=_("Short quiz (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("One question per line: question | option | *right option | option"))

    def clean_quiz(self) -> list[dict[str, Any]]:
        from django.core.exceptions import ValidationError

        from marwah.socialisation.services import parse_quiz

        try:
            return parse_quiz(self.cleaned_data.get("quiz", ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF or slides)"), required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    ALLOWED = (".pdf", ".ppt", ".pptx", ".odp", ".doc", ".docx")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, url = data.get("file"), data.get("url")
        if not upload and not url:
            raise forms.ValidationError(_("Attach a file or give a link."))
        if upload:
            if not upload.name.lower().endswith(self.ALLOWED):
                self.add_error("file", _("Only PDF, slides or documents (%(ext)s).") % {"ext": ", ".join(self.ALLOWED)})
            elif upload.size > 50 * 1024 * 1024:
                self.add_error("file", _("The file is larger than 50 MB."))
        return data
