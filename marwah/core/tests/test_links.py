"""Kept reversals (core.links) answer exactly what reverse() answers."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from marwah.core.links import fixed_url, url_with


@pytest.mark.parametrize("name,arg", [("pledges:pdf", 1), ("pledges:pdf", 9876543210), ("pledges:sign", 0),
                                      ("verify:detail", "ABCDEF234567"), ("verify:detail", "a b?c"),
                                      ("verify:detail", "kode-é")])
def test_url_with_is_reverse(name, arg):
    assert url_with(name, arg) == reverse(name, args=[arg])


def test_url_with_follows_the_script_prefix_and_refuses_what_reverse_refuses():
    try:
        set_script_prefix("/marwah/")
        assert url_with("pledges:pdf", 5) == reverse("pledges:pdf", args=[5]) == fixed_url("pledges:pdf", 5)
        assert url_with("pledges:pdf", 5).startswith("/marwah/")
    finally:
        set_script_prefix("/")
    assert url_with("pledges:pdf", 5) == reverse("pledges:pdf", args=[5])
    with pytest.raises(NoReverseMatch):
        url_with("pledges:pdf", -1)  # the converter takes no sign: reversed as usual, and refused
    with pytest.raises(NoReverseMatch):
        url_with("verify:detail", "a/b")
