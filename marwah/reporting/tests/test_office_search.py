"""The report form's office search: across all institutions when none is chosen, and it says why when empty."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

URL = reverse("reporting:unit_search")


def test_search_without_institution_searches_all(tree):
    page = Client().get(URL, {"q": "Grobogan"}).content.decode()
    assert f'value="{tree.grobogan.pk}"' in page and f'data-institution="{tree.kpu.pk}"' in page
    assert "KPU" in page  # the institution is named next to the office


def test_too_short_without_institution_says_why(tree):
    page = Client().get(URL, {"q": "Gr"}).content.decode()
    assert "3" in page and 'type="radio"' not in page and page.strip()
    assert Client().get(URL, {"q": ""}).content.decode().strip() == ""


def test_with_institution_stays_within_it(tree):
    page = Client().get(URL, {"q": "Kanwil", "institution": tree.kpu.pk}).content.decode()
    assert 'type="radio"' not in page and page.strip()  # "No office found"
