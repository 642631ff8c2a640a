"""The floor of Marwah's own stack: an empty page behind every check, against the floor of the stack.

Targets 1 and 4 of issue 14 compare whole Marwah pages with a bare Django view (no middleware). This
measures how much of that gap is the request itself: a view that returns `{}` at once, served by
Marwah's settings, middleware and session store, so it pays exactly what every Marwah page pays
before doing its own work and nothing more:
- `empty page, signed in`: an administrator's logged-in, 2FA-verified session (Redis sessions, as
  in production): session read, user, OTP device, role grants (default-deny and 2FA rule), CSRF
  cookie, CSP, request id, security headers;
- `empty page, anonymous`: no session at all (the middleware chain alone).
Each is loaded with `wrk -t2 -c16` under gunicorn (3 sync workers), alternating with the floor's
`GET /rollup` (benchmarks/floor.py, A B A B); one FLOOR line each. The empty view exists only in this
module (gunicorn serves `stack_floor:application`, whose URLconf is Marwah's plus the two routes).

    .venv/bin/python benchmarks/stack_floor.py [--floor 3] [--duration 30]   # database bench_stack
    .venv/bin/python benchmarks/stack_floor.py --smoke                        # seconds, no floor

Everything started here (gunicorn, the floor, the smoke database) is stopped or dropped on exit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REDIS = "redis://127.0.0.1:6379/12"

if __name__ != "__main__":  # imported by gunicorn as the application (and by Django as the URLconf)
    from django.contrib.auth.decorators import login_not_required
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def empty(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"{}", content_type="application/json")

    @login_not_required  # marks the function itself: a second one, so `empty` stays protected
    def empty_public(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"{}", content_type="application/json")

    from django.conf import settings

    from marwah.wsgi import application  # noqa: F401  (Django set up with Marwah's settings)

    settings.ROOT_URLCONF = "stack_floor"
    from marwah.urls import urlpatterns as _marwah

    urlpatterns = [path("bench/empty/", empty), path("bench/empty-public/", empty_public), *_marwah]


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--floor", type=int, default=3, metavar="ROUNDS", help="A B pairs against the floor")
    ap.add_argument("--duration", type=float, default=30, help="seconds per wrk run")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--port", type=int, default=8380)
    ap.add_argument("--floor-port", type=int, default=8381)
    ap.add_argument("--smoke", action="store_true", help="tiny database, 1 s of each page, no floor")
    return ap.parse_args()


def database(smoke: bool) -> None:
    import bench_env

    if smoke:
        bench_env.smoke_database("stack_floor")
        os.environ.pop("REDIS_URL", None)  # database sessions: the smoke run needs no Redis
    else:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/bench_stack"
        if not bench_env.psql("SELECT 1 FROM pg_database WHERE datname = 'bench_stack'"):
            bench_env.psql('CREATE DATABASE "bench_stack"')
        os.environ["REDIS_URL"] = REDIS
    bench_env.apply()
    os.environ["DJANGO_SETTINGS_MODULE"] = "marwah.settings"


def admin_session() -> str:
    """An administrator at the root unit, logged in and past the second factor (as after a real login)."""
    import bench_env

    from marwah.accounts.models import Role, RoleAssignment, User
    from marwah.orgs.models import Institution, Unit, UnitKind
    from marwah.orgs.services import UnitSpec, create_units

    institution, _ = Institution.objects.get_or_create(
        code="kpu-stack", defaults={"name": "KPU", "short_name": "KPU", "kind": Institution.Kind.ELECTION_COMMISSION})
    unit = Unit.objects.filter(institution=institution, parent=None).first() or create_units(
        institution=institution, parent=None, specs=[UnitSpec(UnitKind.KPU_RI, "RI", "KPU RI")])[0]
    user, _ = User.objects.get_or_create(username="bench_stack_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN, unit=unit)
    return bench_env.verified_session(user)


class Server:
    """gunicorn serving this module, in its own process group; stopped on exit, also on failure."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{args.port}"

    def __enter__(self) -> Server:
        env = dict(os.environ, DEBUG="0", LOG_LEVEL="ERROR", CONN_MAX_AGE="600")
        self.proc = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/gunicorn"), "stack_floor:application", "--pythonpath", f"{HERE},{ROOT}",
             "-w", str(self.args.workers), "-b", f"127.0.0.1:{self.args.port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True)
        deadline, proc = time.monotonic() + 60, self.proc
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/bench/empty-public/", timeout=5).read()  # noqa: S310
                return self
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)

    def __exit__(self, *exc: object) -> None:
        import bench_env

        if self.proc is not None:
            bench_env.stop_group(self.proc)
            self.proc = None


def answer(url: str, headers: dict[str, str], *, status: int = 200) -> None:
    """The page itself answers (wrk counts a redirect to the login page as a success)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    conn.request("GET", parts.path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != status or (status == 200 and body != b"{}"):
        raise SystemExit(f"{parts.path}: {response.status} {body[:200]!r}, expected {status}")


def main() -> int:
    args = parse()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    database(args.smoke)
    import bench_env

    bench_env.exit_on_sigterm()
    import django

    django.setup()
    from django.core.management import call_command

    if not (args.smoke and bench_env.migrated()):
        call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the cache when there is no Redis (smoke)
    key = admin_session()
    from django.db import connections

    connections.close_all()
    from floor import Floor, compare, wrk

    cookie = bench_env.browser_cookie(key)
    pages = [("stack: empty page, signed in with 2FA", "/bench/empty/", cookie),
             ("stack: empty page, anonymous", "/bench/empty-public/", {})]
    with Server(args) as server:
        for _name, page, headers in pages:
            answer(server.url + page, headers)
        answer(server.url + "/bench/empty/", {}, status=302)  # the checks are there: no session, no page
        for _name, page, headers in pages:  # every worker imports and connects before the figures
            run = wrk(server.url + page, connections=args.connections, duration=1 if args.smoke else 3, headers=headers)
            if run.errors or not run.requests:
                raise SystemExit(f"{page}: {run.errors} errors in {run.requests} requests")
        if args.smoke:
            print("smoke ok: both empty pages answer 200 behind the whole stack")
            return 0
        os.environ.pop("DJANGO_SETTINGS_MODULE", None)  # the floor's manage.py and wsgi pick their own
        with Floor(port=args.floor_port, workers=args.workers) as fl:
            kw = {"connections": args.connections, "duration": args.duration}
            for name, page, headers in pages:
                compare(name, marwah=lambda p=page, h=headers: wrk(server.url + p, headers=h, **kw),  # type: ignore[misc]
                        floor=lambda: fl.rollup(**kw), rounds=args.floor, max_p99_ratio=2.0,
                        note=f"load {Path('/proc/loadavg').read_text().split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
