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
