"""``guanxi serve`` as a terminal runs it: Ctrl-C stops the web server and the worker cleanly,
and every log line has one format and one time zone."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+ ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
def test_ctrl_c_stops_everything_cleanly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GUANXI_DATA_DIR": str(tmp_path),
        "GUANXI_DATABASE_URL": "",
        "GUANXI_TIME_ZONE": "Asia/Shanghai",
        "GUANXI_JOBS_IMMEDIATE": "0",
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
    }
    guanxi = [sys.executable, "-m", "guanxi.cli"]
    subprocess.run([*guanxi, "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    # A terminal's Ctrl-C goes to the whole foreground process group: start one of our own.
    serve = subprocess.Popen(
        [*guanxi, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # A browser's idle keep-alive connection, open while it stops.
        idle = socket.create_connection(("127.0.0.1", port))
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            answer = idle.recv(100)
        except OSError as error:
            os.killpg(serve.pid, signal.SIGINT)
            raise AssertionError(serve.communicate(timeout=30)[0].decode()) from error

        started = time.monotonic()
        os.killpg(serve.pid, signal.SIGINT)
        output = serve.communicate(timeout=30)[0].decode()
        took = time.monotonic() - started
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    assert answer.startswith(b"HTTP/1.1 200"), output
    assert serve.returncode == 0
    assert took < 8, output
    assert "SIGKILL" not in output
    assert output.rstrip().endswith("Guanxi stopped")
    logged = [line for line in output.splitlines() if line[:2] == "20"]
    assert any("gunicorn" in line for line in logged) and any("huey" in line for line in logged)
    assert [line for line in logged if not LINE.match(line)] == []
    # One time zone: the whole run, gunicorn's lines and the app's, fits in a minute.
    stamps = [datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S") for line in logged]
    assert max(stamps) - min(stamps) < timedelta(minutes=1), output
