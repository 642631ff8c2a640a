"""A searchable unit picker: type a name or a Kemendagri code, or walk down the tree.

The form field holds the unit id in a hidden input; the search box asks
`orgs:pick` (htmx) for at most a few matching units within the user's scope.
Works the same for 500 units or 900,000: every lookup is an indexed prefix or
trigram query with a LIMIT, never a list of every unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode

from marwah.orgs.models import Unit


class UnitPicker(forms.Widget):
    template_name = "orgs/widgets/unit_picker.html"

    def __init__(self, roles: Iterable[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.roles = [str(r) for r in roles]

    class Media:
        js = ("orgs/unitpicker.js",)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        unit = None
        if value not in (None, ""):
            pk = getattr(value, "pk", value)
            try:
                unit = Unit.objects.filter(pk=int(pk)).only("id", "name", "code").first()
            except (TypeError, ValueError):
                unit = None
        context["widget"].update({
            "unit": unit,
            "unit_value": unit.pk if unit else "",
            "search_url": reverse("orgs:pick") + "?" + urlencode({"roles": ",".join(self.roles), "field": name}),
        })
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data


class UnitField(forms.IntegerField):
    """A unit id chosen with the picker. The view still checks the unit is within the user's scope."""

    def __init__(self, *, roles: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("widget", UnitPicker(roles=roles))
        super().__init__(min_value=1, **kwargs)
