from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.orgs.models import Institution
from marwah.rules import catalog
from marwah.rules.deadlines import DAY_KINDS


class OverrideForm(forms.Form):
    """An institution's own value for one rule; the fields follow the kind of value the rule has."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    note = forms.CharField(label=_("Reason or legal basis"), max_length=300,
                           help_text=_("For example the number and date of your institution's decree."))

    def __init__(self, *args: Any, item: catalog.Rule, institutions: list[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions])
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0].pk
        if item.overridable == catalog.OVERRIDE_DAYS:
            self.fields["days"] = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)
            self.fields["day_kind"] = forms.ChoiceField(label=_("Counted in"), choices=list(DAY_KINDS.items()))
        elif item.overridable == catalog.OVERRIDE_TIER:
            self.fields["tier"] = forms.ChoiceField(label=_("Tier"), choices=list(item.choices),
                                                    widget=forms.RadioSelect)
        else:
            self.fields["options"] = forms.MultipleChoiceField(label=_("Options"), choices=list(item.choices),
                                                               widget=forms.CheckboxSelectMultiple)
        self.order_fields(["institution", "days", "day_kind", "tier", "options", "note"])

    def value(self) -> Any:
        data = self.cleaned_data
        if self.item.overridable == catalog.OVERRIDE_DAYS:
            return {"days": data["days"], "day_kind": data["day_kind"]}
        if self.item.overridable == catalog.OVERRIDE_TIER:
            return data["tier"]
        return list(data["options"])
