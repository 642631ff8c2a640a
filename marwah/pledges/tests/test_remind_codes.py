"""Reminders say who was emailed and who cannot be; nobody twice within the interval; codes carry an address."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from marwah.people.models import Employee
from marwah.pledges.models import Signature


def _messages(response) -> str:
    return " | ".join(str(m) for m in get_messages(response.wsgi_request))


def test_remind_counts_emailed_and_without_email_and_skips_recent(tree, people, pact, launch, as_user, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "en"
    noemail = make_person(tree.grobogan, username="tanpa_surel")
    Employee.objects.filter(user=noemail).update(email="")
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    client = as_user(people.leader_grobogan)
    client.cookies["django_language"] = "en"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:campaign_remind", args=[campaign.pk]), follow=True)
    text = _messages(response)
    # leader_grobogan and rina have email; tanpa_surel has none.
    assert len(mail.outbox) == 2
    assert "2 people" in text and "1 person has no email" in text and "who=no_email" in text
    assert Signature.objects.filter(campaign=campaign, last_reminded_at__isnull=False).count() == 2
    # A second click (after the campaign-wide cooldown) reminds nobody again within the interval.
    campaign.refresh_from_db()
    type(campaign).objects.filter(pk=campaign.pk).update(last_reminder_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:campaign_remind", args=[campaign.pk]), follow=True)
    assert mail.outbox == []
    text = _messages(response)
    assert "Nobody was emailed" in text and "already reminded in the last 24 hours" in text
    # After the interval they may be reminded again.
    Signature.objects.filter(campaign=campaign).update(last_reminded_at=timezone.now() - timedelta(hours=25))
    type(campaign).objects.filter(pk=campaign.pk).update(last_reminder_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pledges:campaign_remind", args=[campaign.pk]))
    assert len(mail.outbox) == 2


def test_interval_is_configurable(tree, people, pact, launch, settings):
    from marwah.pledges import services

    settings.MARWAH_REMIND_INTERVAL_HOURS = 1
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    Signature.objects.filter(campaign=campaign).update(last_reminded_at=timezone.now() - timedelta(hours=2))
    assert services.remind_pending(campaign=campaign, unit=tree.grobogan) == 2


def test_codes_for_people_without_email_with_address(tree, people, pact, launch, as_user, settings):
    settings.SITE_URL = "https://marwah.kpu.go.id"
    noemail = make_person(tree.grobogan, username="tanpa_surel", name="Tanpa Surel")
    Employee.objects.filter(user=noemail).update(email="")
    campaign = launch(actor=people.admin, unit=tree.grobogan, version=pact.versions.first())
    leader = as_user(people.leader_grobogan)
    url = reverse("pledges:campaign_codes", args=[campaign.pk])
    page = leader.get(url, {"who": "no_email"})
    assert page.context["count"] == 1
    response = leader.post(url, {"format": "csv", "who": "no_email"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Tanpa Surel"]
    assert rows[1][5] == "marwah.kpu.go.id/ikrar/kode/"  # the short address to type
    # Refused for an employee and an outsider.
    for user in (people.employee, people.outsider):
        assert as_user(user).post(url, {"format": "csv", "who": "no_email"}).status_code == 404


def test_sign_in_with_a_code_on_login_and_public_home():
    for path in (reverse("accounts:login"), reverse("reporting:start")):
        page = Client().get(path).content.decode()
        assert reverse("pledges:code") in page and reverse("onboarding:code") in page
