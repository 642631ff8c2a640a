"""Bulk invitation of 40,000 imported people: the background task's own time.

Makes a throwaway database (SQLite in a temporary MARWAH_DATA_DIR unless DATABASE_URL is set),
one regency with 40,000 people (half with email, half without), and times
`onboarding.services.run_batch` as the worker runs it: invitations written, activation links
"emailed" (Django's in-memory mail backend), codes written to the one-time CSV.

    .venv/bin/python benchmarks/onboarding_bulk.py [--people 40000]
    .venv/bin/python benchmarks/onboarding_bulk.py --smoke   (50 people, database bench_smoke_onboarding_bulk)
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_env  # noqa: E402

if "MARWAH_DATA_DIR" not in os.environ:
    os.environ["MARWAH_DATA_DIR"] = tempfile.mkdtemp(prefix="marwah-onboard-bench-")
    atexit.register(shutil.rmtree, os.environ["MARWAH_DATA_DIR"], True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--smoke", action="store_true", help="50 people on a throwaway database, in seconds")
    args = parser.parse_args()
    bench_env.exit_on_sigterm()
    if args.smoke:
        args.people = 50
        bench_env.smoke_database("onboarding_bulk")
    bench_env.apply()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not bench_env.migrated():
        call_command("migrate", verbosity=0)
    from django.core import mail
    from django.db import connection

    from marwah.accounts.models import User
    from marwah.onboarding import services
    from marwah.onboarding.models import InvitationBatch
    from marwah.orgs.models import Institution, UnitKind
    from marwah.orgs.services import UnitSpec, create_units
    from marwah.people.models import Employee

    mail.outbox = []
    kpu = Institution.objects.create(code="kpu-bench", name="KPU", short_name="KPU", kind="election")
    [root] = create_units(institution=kpu, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])
    admin = User.objects.create_user(username="bench-admin", password="x")
    Employee.objects.bulk_create([
        Employee(institution=kpu, unit=root, unit_path=root.path, name=f"Pegawai {n}", employee_number=f"B{n:06d}",
                 employment_type="ad_hoc", email=f"p{n}@example.org" if n % 2 else "")
        for n in range(args.people)], batch_size=5000)
    batch = InvitationBatch.objects.create(created_by=admin, unit=root, employment_types=[])
    started = time.perf_counter()
    batch = services.run_batch(batch=batch)
    elapsed = time.perf_counter() - started
    print(f"{batch.done} invited ({batch.emailed} emailed, {batch.coded} codes) in {elapsed:.1f} s "
          f"on {connection.vendor}; "
          f"{len(mail.outbox)} messages built")
    assert batch.done == args.people and batch.emailed == len(mail.outbox) == args.people // 2, "not everyone invited"


if __name__ == "__main__":
    main()
