"""Forms of the reporting channel. Wording is plain and non-judgemental on purpose."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.reporting import crypto
from marwah.rules import violations

ANONYMOUS, NAMED, ACCOUNT = "anonymous", "named", "account"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of incident is closest?"), widget=forms.RadioSelect)
    narrative = forms.CharField(
        label=_("What happened?"), max_length=20000, widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Tell it in your own words. You do not need to know the legal terms. "
                    "Write only what you are comfortable sharing."),
        error_messages={"required": _("Please tell us briefly what happened, so the team can help.")},
    )
    when_text = forms.CharField(label=_("When did it happen?"), max_length=200, required=False,
                                help_text=_("A date or an estimate is fine, e.g. “early March 2025”."))
    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int,
                                         error_messages={"required": _("Please choose the institution.")})
    province = forms.CharField(required=False, max_length=13, label=_("Province"))
    unit = forms.IntegerField(required=True, widget=forms.HiddenInput,
                              error_messages={"required": _("Please choose the office where it happened."),
                                              "invalid": _("Please choose the office where it happened.")})
    where_text = forms.CharField(label=_("Where exactly?"), max_length=300, required=False,
                                 help_text=_("For example: a meeting room, a field trip, a WhatsApp group."))
    accused_text = forms.CharField(
        label=_("Name of the person (if not found in the list)"), max_length=500, required=False,
        help_text=_("You may add the position or office, e.g. “Bambang, Kasubbag, KPU Grobogan”."))
    witnesses_text = forms.CharField(
        label=_("Witnesses or other people who know"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if you want to. They will not be contacted without care for your safety."))
    identity_mode = forms.ChoiceField(label=_("Do you want to give your name?"), widget=forms.RadioSelect,
                                      initial=ANONYMOUS)
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_contact = forms.CharField(label=_("How can the team reach you? (e-mail or phone)"),
                                       max_length=150, required=False)

    def __init__(self, *args, category: str, institutions, logged_in: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        cast(forms.ChoiceField, self.fields["kind"]).choices = violations.kind_choices(category)
        cast(forms.ChoiceField, self.fields["institution"]).choices = [("", _("— choose —"))] + [(i.pk, i.name) for i in institutions]
        modes = [(ANONYMOUS, _("No, report anonymously")), (NAMED, _("Yes, I will give my name and contact"))]
        if logged_in:
            modes.append((ACCOUNT, _("Yes, use the identity of my account")))
        cast(forms.ChoiceField, self.fields["identity_mode"]).choices = modes

    def clean(self):
        data = super().clean()
        if data.get("identity_mode") == NAMED:
            if not data.get("reporter_name", "").strip():
                self.add_error("reporter_name", _("Please write your name, or choose to report anonymously."))
            if not data.get("reporter_contact", "").strip():
                self.add_error("reporter_contact", _("Please give an e-mail or phone number, or choose to "
                                                     "report anonymously."))
        return data


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your 16-digit receipt"), max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autocapitalize": "off",
                                      "spellcheck": "false"}))

    def clean_receipt(self) -> str:
        value = crypto.normalise_receipt(self.cleaned_data["receipt"])
        if value is None:
            raise forms.ValidationError(_("A receipt has exactly 16 digits. Spaces are allowed; letters are not."))
        return value


class ReporterMessageForm(forms.Form):
    text = forms.CharField(label=_("Your message"), max_length=10000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))


class StaffMessageForm(forms.Form):
    text = forms.CharField(label=_("Message to the reporter"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The reporter reads this when they return with their receipt. "
                                       "Your name is not shown to them."))


class IdentityRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to know who reported?"), min_length=20, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("An identity custodian must approve. The request, the decision and every viewing are "
                    "recorded in the audit log."))


class UnlockForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete":
                                                                                          "current-password"}))
