"""Email to a direct superior that they must examine an unexcused absence (PP 94/2021 Pasal 26/28).

The email names no one and carries no figures: only that a notice waits, and a link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marwah.accounts.models import User
from marwah.leave.models import AbsenceNotice
from marwah.rules.absence import SUPERIOR_MUST_EXAMINE


def send_notice_emails(notice_ids: list[int]) -> int:
    """One email per superior for the notices not emailed yet. Idempotent: the notices are marked
    (`emailed_at`) in the transaction that sends, so a retried task emails nobody twice and a
    failed send is tried again."""
    pending = AbsenceNotice.objects.filter(pk__in=notice_ids, superior_user__isnull=False, emailed_at__isnull=True)
    users = set(pending.values_list("superior_user_id", flat=True))
    link = settings.SITE_URL.rstrip("/") + reverse("leave:notices")
    sent = 0
    for user in User.objects.filter(pk__in=users, is_active=True).exclude(email=""):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = "Marwah: " + _("An absence you must examine")
            body = "\n\n".join([
                _("Hello %(name)s,") % {"name": user.display_name},
                _("A person you supervise has reached a threshold of working days absent without written "
                  "permission. As their direct superior you must examine it (%(citation)s).")
                % {"citation": SUPERIOR_MUST_EXAMINE.citation},
                _("Open the notice after logging in:"),
                link,
            ])
        with transaction.atomic():
            # The UPDATE claims them (a second worker waits on the row locks, then finds none).
            if not pending.filter(superior_user=user).update(emailed_at=timezone.now()):
                continue
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
