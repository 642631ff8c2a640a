from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marwah.socialisation import services
from marwah.socialisation.selectors import _SESSIONS


@pytest.fixture(autouse=True)
def _soc_dirs(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    _SESSIONS.clear()  # ids are reused between test databases


@pytest.fixture
def topics(tree):
    return {t.key: t for t in services.ensure_default_topics(institution=tree.kpu)}


@pytest.fixture
def pks(topics):
    return topics["pks-1341"]


@pytest.fixture
def make_session(tree, people, pks):
    """make_session(**kw) -> a session of Jawa Tengah's Satgas, running now, for the province's subtree."""

    def make(*, actor=None, host=None, units=None, kind="sosialisasi", start=None, minutes=120, topics_=None):
        start = start or timezone.now() - dt.timedelta(minutes=5)
        return services.create_session(
            actor=actor or people.satgas_jateng, kind=kind, title="Penciptaan Lingkungan Kerja Anti Kekerasan Seksual",
            topics=topics_ or [pks], host_unit=host or tree.jateng, participating=units or [tree.jateng],
            starts_at=start, ends_at=start + dt.timedelta(minutes=minutes), mode="hybrid", place="Aula",
            meeting_url="https://zoom.example/j/1")

    return make
