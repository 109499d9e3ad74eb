"""The `kompis` command: accounts, migrations, demo pool."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Coordinator, Newcomer, Organisation, Role, Volunteer
from tests.factories import make_organisation
from web.passwords import verify_password


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
    assert session.scalar(select(Coordinator)).role == Role.ADMIN


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
    assert session.scalar(select(func.count()).select_from(Coordinator)) == 5
    again = invoke(app, "seed-demo", "--if-empty")
    assert "already" in again.output
    assert session.scalar(select(func.count()).select_from(Volunteer)) == 7 * 6
