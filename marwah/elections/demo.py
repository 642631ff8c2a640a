"""Demo: Pemilu 2024 and Pilkada 2024 as shipped (stages and participants), and the Pemilu 2029
planning draft whose preparation stage runs on the demo date, with watch tasks for the
Kemenkumham neutrality team (one already recorded)."""

from __future__ import annotations

from django.utils import timezone

from marwah.core.demo import DemoContext
from marwah.elections import services
from marwah.elections.models import WatchTask
from marwah.elections.selectors import running


def seed(ctx: DemoContext) -> None:
    services.load_shipped()
    team = ctx.users.get("tim_netral")
    hq = ctx.units.get("kum_hq")
    if team is None or hq is None:
        return
    units = [hq, *hq.children.order_by("path")[:5]]
    for r in running(timezone.localdate()):
        if r.stage is None:
            continue
        services.create_watch_tasks(actor=team, stage=r.stage, units=units)
        first = WatchTask.objects.filter(stage=r.stage, unit=hq).order_by("form").first()
        if first is not None:
            services.record_watch(actor=team, task=first, checked="Akun media sosial publik 35 pegawai Sekretariat "
                                  "Jenderal, 23–27 November 2026.", found="")
