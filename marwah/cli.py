"""The `marwah` command: demo, serve, worker, and every manage.py command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _django(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["marwah", *args])


def _serve(bind: str, workers: int) -> int:
    cmd = [sys.executable, "-m", "gunicorn", "marwah.wsgi:application", "--bind", bind, "--workers", str(workers)]
    if os.environ.get("LOG_FORMAT") != "json":
        # Path only: no query strings in logs. With LOG_FORMAT=json the app writes one JSON line
        # per request itself (with its request id), so gunicorn's access log stays off.
        cmd += ["--access-logfile", "-", "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s %(L)ss']
    return _run_forwarding_signals(cmd)


FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _run_forwarding_signals(cmd: list[str]) -> int:
    """Run `cmd` and pass SIGTERM/SIGINT/SIGHUP on to it, so stopping `marwah serve` stops gunicorn
    (a service manager signals only our process; subprocess.call would leave gunicorn running)."""
    child = subprocess.Popen(cmd)  # noqa: S603

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        return child.wait()  # retried after each forwarded signal (PEP 475) until gunicorn exits
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def demo() -> int:
    os.environ["MARWAH_DEMO"] = "1"
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    _django("migrate", "--no-input", "-v", "0")
    _django("createcachetable")
    _django("collectstatic", "--no-input", "-v", "0")
    _django("seed_demo")
    worker = subprocess.Popen([sys.executable, "-m", "marwah.cli", "worker"])  # noqa: S603
    try:
        from django.conf import settings

        print(f"\nMarwah demo: {settings.SITE_URL}  (Ctrl+C to stop)\n", flush=True)
        return _serve(os.environ.get("MARWAH_BIND", "127.0.0.1:8000"), 2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
    args = sys.argv[1:]
    command = args[0] if args else "help"
    if command == "demo":
        sys.exit(demo())
    if command == "serve":
        bind = args[1] if len(args) > 1 else os.environ.get("MARWAH_BIND", "127.0.0.1:8000")
        sys.exit(_serve(bind, int(os.environ.get("WEB_CONCURRENCY", "2"))))
    if command == "worker":
        import django

        django.setup()
        from django.conf import settings

        from marwah.core.schedule import start_in_background

        start_in_background()
        if settings.TASK_BACKEND == "rq":
            # django-tasks-rq results live on its own Job class.
            _django("rqworker", "default", "--job-class", "marwah.core.rqjob.Job", *args[1:])
        else:
            _django("db_worker", *args[1:])
        return
    _django(*args)


if __name__ == "__main__":
    main()
