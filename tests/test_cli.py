"""The `kompis` command: accounts, migrations, demo pool."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Coordinator, Newcomer, Organisation, Role, Volunteer
from tests.factories import make_organisation
from web.passwords import verify_password

RECOVERY_CODE = re.compile(r"^\s+([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})$", re.MULTILINE)


def invoke(app: Flask, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_create_coordinator_with_password_from_stdin(app: Flask, session: Session) -> None:
    make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))
    result = invoke(app, "create-coordinator", "Eva@Kalmar.example", "--org", "Kalmar kommun – Integra",
                    "--password-stdin", input="ett långt lösenord\n")
    assert result.exit_code == 0, result.output
    coordinator = session.scalar(select(Coordinator))
    assert coordinator.email_key == "eva@kalmar.example"
    assert coordinator.role == Role.COORDINATOR
    assert coordinator.password_hash.startswith("$argon2id$")
    assert verify_password(coordinator.password_hash, "ett långt lösenord")
    # The second factor comes with the account: the URI (also drawn as a QR code) and ten recovery codes.
    assert coordinator.totp_secret
    assert "otpauth://totp/" in result.output and f"secret={coordinator.totp_secret}" in result.output
    assert len(set(RECOVERY_CODE.findall(result.output))) == 10


def test_create_coordinator_explains_mistakes(app: Flask, session: Session) -> None:
    make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))
    unknown = invoke(app, "create-coordinator", "a@example.org", "--org", "Nowhere", "--password-stdin",
                     input="ett långt lösenord\n")
    assert unknown.exit_code != 0 and "Kalmar kommun – Integra" in unknown.output
    short = invoke(app, "create-coordinator", "a@example.org", "--org", "Kalmar kommun – Integra",
                   "--password-stdin", input="kort\n")
    assert short.exit_code != 0 and "at least 12" in short.output
    assert session.scalar(select(func.count()).select_from(Coordinator)) == 0


def test_create_admin_without_organisation(app: Flask, session: Session) -> None:
    result = invoke(app, "create-coordinator", "admin@example.org", "--admin", "--password-stdin",
                    input="ett långt lösenord\n")
    assert result.exit_code == 0, result.output
    admin = session.scalar(select(Coordinator))
    assert admin.role == Role.ADMIN and admin.totp_secret and "otpauth://totp/" in result.output


def test_db_upgrade_is_safe_to_repeat(app: Flask) -> None:
    assert invoke(app, "db", "upgrade").exit_code == 0
    result = invoke(app, "db", "upgrade")
    assert result.exit_code == 0 and "up to date" in result.output


def test_seed_demo_builds_organisations_and_people(app: Flask, session: Session) -> None:
    result = invoke(app, "seed-demo", "--per-area", "6")
    assert result.exit_code == 0, result.output
    names = set(session.scalars(select(Organisation.name)))
    assert len(names) == 5
    assert session.scalar(select(func.count()).select_from(Volunteer)) == 7 * 6
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 7 * 6
    # A coordinator of each organisation, and an admin of none.
    coordinators = select(func.count()).select_from(Coordinator).where(Coordinator.role == Role.COORDINATOR,
                                                                        Coordinator.organisation_id.is_not(None))
    assert session.scalar(coordinators) == 5
    admins = list(session.scalars(select(Coordinator).where(Coordinator.role == Role.ADMIN)))
    assert [(a.email, a.organisation_id) for a in admins] == [("admin@demo.example.org", None)]
    assert session.scalar(select(func.count()).select_from(Coordinator)) == 6
    again = invoke(app, "seed-demo", "--if-empty")
    assert "already" in again.output
    assert session.scalar(select(func.count()).select_from(Volunteer)) == 7 * 6


def test_serve_answers_on_the_given_port(database_url: str, tmp_path) -> None:
    port = free_port()
    environment = {**os.environ, "KOMPIS_DEVELOPMENT": "1", "KOMPIS_DATABASE_URL": database_url,
                   "KOMPIS_MAIL_OUTBOX": str(tmp_path / "outbox")}
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("kompis")), "serve", "--port", str(port)],
        env=environment, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        health = wait_for_json(f"http://127.0.0.1:{port}/healthz", seconds=30)
        assert health == {"status": "ok", "database": "ok"}
        # Links people got and searches staff make: the access log keeps neither the token nor the terms.
        for path in ("/followup/eyJpZCI6MX0.secret-token?lang=ar", "/volunteer/available/eyJpZCI6Mn0.other-token",
                     "/volunteer/confirm/eyJpZCI6M30.third-token", "/coordinator/volunteers?q=Amal+Hassan"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)  # noqa: S310
            except OSError:
                pass  # 410 or a redirect to login: what matters is the log line
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "GET /followup/[token] HTTP" in output and "GET /volunteer/available/[token] HTTP" in output
    for secret in ("secret-token", "other-token", "third-token", "Amal", "lang=ar"):
        assert secret not in output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_json(url: str, *, seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_seed_demo_refuses_a_production_database(app: Flask, session: Session) -> None:
    app.config["TESTING"] = False
    result = invoke(app, "seed-demo", "--per-area", "1")
    assert result.exit_code != 0 and "published password" in result.output
    assert session.scalar(select(func.count()).select_from(Coordinator)) == 0


def test_create_organisation_on_a_fresh_database(app: Flask, session: Session) -> None:
    result = invoke(app, "create-organisation", "Kompis Södertörn", "--municipality", "Haninge",
                    "--municipality", "nynäshamn", "--municipality", "Tyresö")
    assert result.exit_code == 0, result.output
    assert "Haninge, Nynäshamn, Tyresö" in result.output
    organisation = session.scalar(select(Organisation))
    assert sorted(m.name for m in organisation.municipalities) == ["Haninge", "Nynäshamn", "Tyresö"]
    coordinator = invoke(app, "create-coordinator", "eva@example.org", "--org", "Kompis Södertörn",
                         "--password-stdin", input="ett långt lösenord\n")
    assert coordinator.exit_code == 0, coordinator.output


def test_create_organisation_explains_mistakes(app: Flask, session: Session) -> None:
    make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))
    unknown = invoke(app, "create-organisation", "Kompis Öst", "--municipality", "Atlantis")
    assert unknown.exit_code != 0 and "Atlantis" in unknown.output
    taken = invoke(app, "create-organisation", "Kompis Öst", "--municipality", "Kalmar")
    assert taken.exit_code != 0 and "Kalmar by Kalmar kommun – Integra" in taken.output
    twice = invoke(app, "create-organisation", "Kalmar kommun – Integra", "--municipality", "Nybro")
    assert twice.exit_code != 0 and "already an organisation" in twice.output
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1
