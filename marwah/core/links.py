"""Links whose URL never changes in a process, reversed once (issue 14).

`reverse()` costs about 45 µs; a page with a dozen fixed links (the header's, a campaign's actions)
paid that on every view. The answer depends only on the route, its arguments, the URLconf and the
script prefix, so it is remembered per process under exactly those.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple[Any, ...], urlconf: str | None, prefix: str) -> str:
    return reverse(name, args=list(args), urlconf=urlconf)


def fixed_url(name: str, *args: Any) -> str:
    """`reverse(name, args=args)`, remembered per URLconf and script prefix (hashable args only)."""
    return _reverse(name, args, get_urlconf(), get_script_prefix())


_SLOT = "7314159265358979323"  # digits: taken by an <int:…> and a <str:…> converter alike


@lru_cache(maxsize=256)
def _around(name: str, urlconf: str | None, prefix: str) -> tuple[str, str]:
    before, _slot, after = reverse(name, args=[_SLOT], urlconf=urlconf).partition(_SLOT)
    return before, after


def url_with(name: str, arg: int | str) -> str:
    """`reverse(name, args=[arg])` for a route with one argument that differs on every call (a
    signature's id, a verification code): the route is reversed once per process around a slot and
    the argument put in. Only a non-negative number or ASCII letters and digits, which the route's
    converter takes and no quoting changes; anything else is reversed as usual."""
    text = str(arg)
    if not (text.isascii() and text.isalnum()) or (isinstance(arg, int) and arg < 0):
        return reverse(name, args=[arg])
    before, after = _around(name, get_urlconf(), get_script_prefix())
    return f"{before}{text}{after}"
