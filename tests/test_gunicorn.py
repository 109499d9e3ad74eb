"""Production start: gunicorn with the shipped configuration serves the app and keeps tokens out of its log."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.test_cli import free_port, wait_for_json

ROOT = Path(__file__).resolve().parents[1]


def test_gunicorn_serves_and_logs_no_link_tokens(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "s" * 64,
                   "PUBLIC_URL": "https://kompis.example.se", "PORT": str(port), "BIND": f"127.0.0.1:{port}",
                   "WEB_CONCURRENCY": "1", "KOMPIS_MAIL_OUTBOX": str(tmp_path / "outbox")}
    for name in ("KOMPIS_DEVELOPMENT", "DEVELOPMENT"):
        environment.pop(name, None)
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"), "web:create_app()"],
        env=environment, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert wait_for_json(f"http://127.0.0.1:{port}/healthz", seconds=30) == {"status": "ok", "database": "ok"}
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/volunteer/confirm/secret-token-123", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as error:
            assert error.code == 410
    finally:
        server.terminate()
        log = server.communicate(timeout=20)[0]
    assert '"GET /volunteer/confirm/[token]" 410' in log
    assert "secret-token-123" not in log
