from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.worktime.models import Holiday


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
    note = forms.CharField(label=_("Legal basis or note"), max_length=200, required=False,
                           help_text=_("For example the number of the joint ministerial decree (SKB) on cuti bersama."))


class LoadYearsForm(forms.Form):
    years = forms.CharField(label=_("Years"), max_length=40, help_text=_("For example: 2026 2027"))

    def clean_years(self) -> list[int]:
        raw = self.cleaned_data["years"].replace(",", " ").split()
        try:
            years = sorted({int(y) for y in raw})
        except ValueError:
            raise forms.ValidationError(_("Write years as four digits, separated by spaces.")) from None
        if not years or any(y < 2000 or y > 2100 for y in years):
            raise forms.ValidationError(_("Write years between 2000 and 2100."))
        return years
