from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from marwah.cases.models import Decision, Referral, Status
from marwah.elections.catalog import ACTION_CHOICES, ACTION_LABEL
from marwah.rules import deadlines as deadline_rules
from marwah.rules.protection import ITEMS, REFERRAL_KINDS
from marwah.rules.sanctions import SANCTIONS, TRACKS
from marwah.rules.violations import NEUTRALITY, category_choices, kind_choices


class PlainSelect(forms.Select):
    """A `<select>` written in Python, to the very HTML of Django's template widget (checked in
    tests/test_queries.py): the template renders one include per option, about 1 ms of CPU per case
    page for the assignment form's handler list (issue 14). Option groups go to Django's template."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(format_html('\n  <option value="{}"{}>{}</option>\n', str(o["value"]), _attrs(o["attrs"]),
                                      o["label"])
                          for _group, group_options, _index in widget["optgroups"] for o in group_options)
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]),
                           mark_safe(options))  # noqa: S308  (every part escaped by format_html above)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html in Python."""
    return mark_safe("".join(format_html(" {}", k) if v is True else format_html(' {}="{}"', k, str(v))  # noqa: S308
                             for k, v in attrs.items() if v is not False))


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=80,
                        help_text=_("Case number, unit or kind of violation."))
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect,
                               choices=[("", _("All")), ("open", _("Still open")), *Status.choices])
    category = forms.ChoiceField(label=_("Category"), required=False, widget=PlainSelect,
                                 choices=[("", _("All")), *category_choices()])
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason the reporter will read"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Needed when the report is not followed up. Write plainly and kindly."))


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Handler"), widget=PlainSelect)

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(str(u.pk), u.display_name) for u in handlers]


class ProtectionForm(forms.Form):
    item = forms.ChoiceField(label=_("Right provided"), choices=[(k, i.label) for k, i in ITEMS.items()])
    provider = forms.CharField(label=_("Provided by"), max_length=150,
                               help_text=_("For example: Satgas PKS, UPTD PPA Kabupaten Grobogan."))
    provided_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  initial=timezone.localdate)
    note = forms.CharField(label=_("Note (no details of the incident)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_protection_%s")  # the case page holds two "note" fields
        super().__init__(*args, **kwargs)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Referred to"), choices=list(REFERRAL_KINDS.items()))
    organisation = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    referred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  initial=timezone.localdate)
    state = forms.ChoiceField(label=_("State"), choices=Referral.State.choices)
    note = forms.CharField(label=_("Note (no details of the incident)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_referral_%s")
        super().__init__(*args, **kwargs)


def _sanction_choices() -> list:
    groups = []
    for track, label in TRACKS.items():
        items = [(s.code, f"{s.label} — {s.citation}") for s in SANCTIONS.values()
                 if s.track == track and track != "rehabilitation"]
        if items:
            groups.append((label, items))
    return groups


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    sanctions = forms.MultipleChoiceField(
        label=_("Sanctions or recommendations"), required=False, choices=_sanction_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Suggestions from the catalog are marked above. When not proven, no sanction is given; an "
                    "election organizer is also rehabilitated (DKPP)."))
    summary = forms.CharField(label=_("Summary for the reporter"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("The reporter reads this. Do not name the reporter or witnesses."))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Decision.Outcome.PROVEN and not data.get("sanctions"):
            self.add_error("sanctions", _("Choose at least one sanction or recommendation."))
        return data


class DeadlinePolicyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=category_choices())
    stage = forms.ChoiceField(label=_("Stage"), choices=list(deadline_rules.STAGES.items()))
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=365, required=False,
                                      help_text=_("Leave empty to go back to the default."))
    note = forms.CharField(label=_("Reason or legal basis"), max_length=200, required=False)


class NeutralityLeadForm(forms.Form):
    employee = forms.CharField(label=_("NIP of the employee"), max_length=40,
                               help_text=_("The employee whose post or activity you saw."))
    text = forms.CharField(label=_("What you saw"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Describe the post, comment, like or activity and when you saw it."))
    link = forms.URLField(label=_("Link to the post"), required=False, max_length=500, assume_scheme="https")
    action = forms.ChoiceField(label=ACTION_LABEL, required=False, choices=ACTION_CHOICES)
    screenshot = forms.FileField(label=_("Screenshot"), required=False)
    kind = forms.ChoiceField(label=_("Form of violation"), required=False,
                             choices=lambda: [("", _("Suggest from the text")), *kind_choices(NEUTRALITY)])
