"""The README's production steps, run as written on an empty PostgreSQL: an admin and a coordinator sign in."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, csrf_token
from tests.test_cli import free_port, wait_for_json

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "en lång mening om Kalmarsund i maj"  # noqa: S105 - a test's
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.db,
              pytest.mark.skipif(not POSTGRES_URL, reason="production runs PostgreSQL; `make test` runs this there")]


def production_steps() -> list[list[str]]:
    """Return the commands of the README's production block, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running it in production", 1)[1]
    block = re.search(r"Then:\n\n```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the README's production steps are not where this test looks"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines() if line.strip()]


@pytest.fixture
def empty_database() -> Iterator[str]:
    """Create an empty PostgreSQL database next to the test database; drop it afterwards."""
    name = f"kompis_readme_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Browser:
    """Just enough of a browser over plain HTTP: keeps the session cookie, follows nothing."""

    def __init__(self, base: str) -> None:
        self.base, self.cookie = base, ""

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers={"Cookie": self.cookie})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def post_form(self, path: str, answers: dict[str, str]) -> tuple[int, str, str]:
        _, _, page = self.request(path)
        return self.request(path, {**answers, "csrf_token": csrf_token(page)})


def test_the_readme_production_steps_work_in_order_on_an_empty_database(
    empty_database: str, tmp_path: Path
) -> None:
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": empty_database, "SECRET_KEY": "p" * 64,
                   "PUBLIC_URL": f"http://127.0.0.1:{port}", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
                   # Plain HTTP on the loopback; in production the cookie is Secure, behind HTTPS.
                   "MAIL_OUTBOX": str(tmp_path / "outbox"), "SESSION_COOKIE_SECURE": "false",
                   "RATELIMIT_ENABLED": "false"}
    for name in ("KOMPIS_DEVELOPMENT", "DEVELOPMENT", "REDIS_URL", "KOMPIS_TEST_DATABASE_URL"):
        environment.pop(name, None)
    secrets: dict[str, str] = {}
    servers: list[subprocess.Popen[str]] = []
    try:
        for step in production_steps():
            if step[:2] == ["pip", "install"]:
                continue  # the test runs in the installed project
            if step[0] == "gunicorn":
                servers.append(subprocess.Popen(  # noqa: S603
                    [str(BIN / "gunicorn"), *step[1:]], env=environment, cwd=ROOT, text=True,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                assert wait_for_json(f"http://127.0.0.1:{port}/healthz", seconds=30)["status"] == "ok"
                continue
            if step[:2] == ["kompis", "worker"]:
                continue  # needs REDIS_URL; tests/web/test_run_worker.py runs it
            assert step[0] == "kompis", step
            typed = f"{PASSWORD}\n{PASSWORD}\n" if step[1] == "create-coordinator" else None
            done = subprocess.run([str(BIN / "kompis"), *step[1:]], env=environment, cwd=tmp_path, input=typed,  # noqa: S603
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{shlex.join(step)}:\n{done.stdout}\n{done.stderr}"
            if step[1] == "create-coordinator":
                uri = re.search(r"otpauth://totp/\S+", done.stdout)
                assert uri, done.stdout
                secrets[step[2]] = pyotp.parse_uri(uri.group(0)).secret
                assert "█" in done.stdout or "▀" in done.stdout, "the QR code is drawn in the terminal"
        assert servers, "the README starts gunicorn"
        assert set(secrets) == {"admin@kalmar.se", "eva@kalmar.se"}
        for email, home, landing in (("admin@kalmar.se", "/admin/", "/admin/staff"),
                                     ("eva@kalmar.se", "/coordinator/", "/coordinator/volunteers")):
            browser = Browser(f"http://127.0.0.1:{port}")
            status, location, _ = browser.post_form("/coordinator/login", {"email": email, "password": PASSWORD})
            assert status == 302 and "/coordinator/login/code" in location
            assert browser.request(home)[0] == 302, "the password alone opens nothing"
            code = pyotp.TOTP(secrets[email]).now()
            status, location, _ = browser.post_form("/coordinator/login/code", {"code": code})
            assert status == 302, location
            assert browser.request(landing)[0] == 200, email
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
