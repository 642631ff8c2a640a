"""Fixtures for the reporting tests: cheap KDFs, a private MEDIA_ROOT, handlers with unlocked keys."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from conftest import make_person
from marwah.accounts.models import Role
from marwah.people.models import Employee
from marwah.reporting import vault
from marwah.reporting.signals import report_submitted

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _reporting_settings(settings, tmp_path):
    # Real costs are measured in benchmarks/reporting_submit.py; tests need speed.
    settings.MARWAH_KEY_KDF = (1, 8192)
    settings.MARWAH_RECEIPT_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"reporting-{tmp_path.name}"}}


@pytest.fixture
def handlers(tree, people):
    """Two Satgas PKS members of Jawa Tengah with key pairs; the test receiver seals reports to them."""
    second = make_person(tree.jateng, username="kiki", name="Kiki Rizka", role=Role.SATGAS_PKS)
    for user in (people.satgas_jateng, second):
        vault.unlock_user_key(user=user, password=PASSWORD)
    team = [people.satgas_jateng, second]

    def seal(sender, report, report_key, **kwargs):
        vault.seal_report_key(report=report, report_key=report_key, users=team)

    report_submitted.connect(seal, dispatch_uid="reporting-test-seal")
    yield type("Handlers", (), {"mey": people.satgas_jateng, "kiki": second})()
    report_submitted.disconnect(dispatch_uid="reporting-test-seal")


@pytest.fixture
def unlocked(as_user):
    """unlocked(user) -> a 2FA-verified client whose session holds the user's unlocked key."""

    def make(user):
        client = as_user(user)
        response = client.post(reverse("keys:unlock"), {"password": PASSWORD, "next": "/"})
        assert response.status_code == 302, response.content[:500]
        return client

    return make


@pytest.fixture
def bambang(tree, people):
    heru = Employee.objects.create(institution=tree.kpu, unit=tree.grobogan, unit_path=tree.grobogan.path,
                                   name="Heru Santoso", position="Sekretaris", employment_type="pns",
                                   nip="197001011995031001")
    return Employee.objects.create(institution=tree.kpu, unit=tree.grobogan, unit_path=tree.grobogan.path,
                                   name="Bambang Sutrisno", position="Kasubbag Teknis", employment_type="pns",
                                   nip="197502022000031002", superior=heru)


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (7.0, 5.0, 30.0)
    gps[3] = "E"
    gps[4] = (110.0, 55.0, 10.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def report_data(tree, **extra) -> dict:
    data = {
        "kind": "sv_electronic", "narrative": "Atasan saya mengirim pesan bernada seksual.",
        "when_text": "Maret 2025", "institution": str(tree.kpu.pk), "province": "",
        "unit": str(tree.grobogan.pk), "where_text": "grup WhatsApp kantor", "accused_text": "",
        "witnesses_text": "", "identity_mode": "anonymous", "reporter_name": "", "reporter_contact": "",
    }
    data.update(extra)
    return data


def submit(client, tree, category="sexual_violence", **extra) -> str:
    """Submit through the real views; returns the 16-digit receipt shown once."""
    response = client.post(reverse("reporting:form", args=[category]), report_data(tree, **extra))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("reporting:receipt")
    page = client.get(reverse("reporting:receipt")).content.decode()
    digits = re.search(r'class="rp-receipt"[^>]*>([\d ]+)<', page).group(1).replace(" ", "")
    assert len(digits) == 16
    return digits
