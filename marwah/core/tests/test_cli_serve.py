"""`marwah serve` passes SIGTERM and SIGINT on to gunicorn: stopping it stops the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(predicate, seconds: float = 30) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_stops_gunicorn(tmp_path, signum):
    port = _free_port()
    env = {**os.environ, "MARWAH_DATA_DIR": str(tmp_path), "WEB_CONCURRENCY": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "marwah.cli", "serve", f"127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert _wait(lambda: _answers(port)), "gunicorn did not start"
        proc.send_signal(signum)  # only our process, as systemd or docker stop would
        proc.wait(timeout=30)
        assert _wait(lambda: not _answers(port), 10), "gunicorn is still serving after marwah serve stopped"
    finally:
        # The whole session (marwah serve and any gunicorn it left behind) goes, whatever happened.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
