"""Emails about cases. They never carry report content: only "a case needs attention" and a link."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marwah.accounts.models import User
from marwah.cases.models import Case, CaseEmail
from marwah.cases.routing import user_token

SUBJECTS = {
    "new": gettext_noop("A new case needs attention"),
    "reminder": gettext_noop("A case deadline is near"),
    "overdue": gettext_noop("A case deadline was missed"),
    "assigned": gettext_noop("A case was assigned to you"),
    "repeat": gettext_noop("A person was named again in another report"),
}


def safe_recipients(case: Case, user_ids: Iterable[int]) -> list[User]:
    """Users who may hear of the case: active members, never a blocked person."""
    blocked = set(case.blocks.values_list("token", flat=True))
    members = set(case.members.filter(is_active=True).values_list("user_id", flat=True))
    users = User.objects.filter(pk__in=set(user_ids) & members, is_active=True).exclude(email="")
    return [u for u in users if user_token(u.pk) not in blocked]


def _first_time(case: Case, notification: str, user: User) -> bool:
    """Claim this notification's email to `user`; False when a run before this one sent it."""
    if not notification:  # a job queued before notifications had an id
        return True
    try:
        with transaction.atomic():
            CaseEmail.objects.create(case=case, notification=notification, user=user)
    except IntegrityError:
        return False
    return True


def send_case_email(*, case: Case, user_ids: Iterable[int], reason: str, notification: str = "") -> int:
    """Email each recipient once per `notification`: a retried task skips those already emailed.
    The claim and the sending share a transaction, so a failed send is tried again by the retry."""
    sent = 0
    link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.public_id])
    for user in safe_recipients(case, user_ids):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = "Marwah: " + _(SUBJECTS.get(reason, SUBJECTS["new"]))
            body = "\n\n".join([
                _("Hello %(name)s,") % {"name": user.display_name},
                _(SUBJECTS.get(reason, SUBJECTS["new"])) + ".",
                _("Open it after logging in (the email does not contain the report):"),
                link,
                _("This message was sent by Marwah because you handle this case."),
            ])
        with transaction.atomic():
            if not _first_time(case, notification, user):
                continue
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
