from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.monitoring.services import MAX_TEXT


class TextForm(forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text=_("What went well, what did not, and why, in a few paragraphs."))
    follow_up = forms.CharField(label=_("Follow-up plan"), max_length=MAX_TEXT,
                                widget=forms.Textarea(attrs={"rows": 5}),
                                help_text=_("What the unit will do next period, by whom and when."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("acknowledge", _("Acknowledge")), ("return", _("Return with a note"))],
                                 widget=forms.RadioSelect, label=_("Answer"))
    note = forms.CharField(label=_("Note to the unit"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))
