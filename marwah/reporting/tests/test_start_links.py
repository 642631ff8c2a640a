"""Every "Start this report" link names its category, so a screen reader hears five different links."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse


def test_start_links_name_their_category(db):
    page = Client().get(reverse("reporting:start")).content.decode()
    links = re.findall(r'<a class="btn" href="/lapor/kirim/[^"]+/">(.*?)</a>', page, flags=re.S)
    names = [re.sub(r"<[^>]+>", "", link).strip() for link in links]
    assert len(names) >= 5 and len(set(names)) == len(names)
