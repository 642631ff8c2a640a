from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.urls import reverse

from marwah.accounts.models import User
from marwah.core.demo import DEMO_PASSWORD, DemoContext, seed_all


class Command(BaseCommand):
    help = "Load the demo data (real regions, KPU and Kemenkumham, people, pledges, reports, cases)."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo data already loaded.")
            logins = list(User.objects.filter(is_demo=True).order_by("id").values_list("username", "first_name"))
            rows = [(u, n, "") for u, n in logins]
        else:
            ctx = DemoContext()
            # The demo's own notifications (invitations, reminders) would flood the terminal
            # before the logins: they are kept in memory instead of printed.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                seed_all(ctx)
            rows = ctx.logins
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write("Two-step verification: in demo mode the code is shown on the verification page.\n")
        for username, who, what in rows:
            self.stdout.write(f"  {username:<18} {who}{'  — ' + what if what else ''}")
        site = settings.SITE_URL or "http://127.0.0.1:8000"
        self.stdout.write(f"\nMarwah: {site}/")
        self.stdout.write(f"Public reporting page (no login): {site}{reverse('reporting:start')}\n")
