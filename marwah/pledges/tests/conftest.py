from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marwah.pledges import services
from marwah.pledges.models import Campaign, Document
from marwah.pledges.selectors import _CAMPAIGNS


@pytest.fixture(autouse=True)
def _pledge_dirs(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    _CAMPAIGNS.clear()  # ids are reused between test databases
    settings.MARWAH_COVERAGE_CACHE_SECONDS = 0  # tests read live figures; test_queries checks the cache


@pytest.fixture
def kpu_docs(tree):
    return services.ensure_default_documents(institution=tree.kpu)


@pytest.fixture
def pact(kpu_docs) -> Document:
    return next(d for d in kpu_docs if d.kind == "integrity_pact")


@pytest.fixture
def launch(django_capture_on_commit_callbacks):
    """launch(actor, unit, version, **kw) -> an active campaign, made through the service and its task."""

    def make(*, actor, unit, version, types=(), deadline=None, title="Pakta Integritas 2024", place="Purwodadi"):
        with django_capture_on_commit_callbacks(execute=True):
            campaign = services.create_campaign(
                actor=actor, version=version, unit=unit, employment_types=list(types), title=title, place=place,
                deadline=deadline or timezone.localdate() + dt.timedelta(days=7))
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.ACTIVE
        return campaign

    return make
