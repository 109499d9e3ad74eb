"""The `kompis` command: serve, migrate, seed, manage accounts and translations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from models import Organisation, Volunteer
from models.migrate import upgrade

from . import db

if TYPE_CHECKING:
    from .privacy.retention import OrganisationPurge

ROOT = Path(__file__).resolve().parent.parent


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """Kompis: pair newcomers with volunteers who become their kompis."""


def register_commands(app: Flask) -> None:
    """Attach the Kompis commands to the app's CLI."""
    for command in (serve, database, seed_demo_command, create_organisation_command, create_coordinator_command,
                    translate, worker, match, send_followups, housekeeping, purge_expired):
        app.cli.add_command(command)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")))
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve Kompis for local use (production runs gunicorn)."""
    from .demo import DEMO_PASSWORD, demo_logins
    from .redaction import redact_development_log

    click.echo(f"\nKompis is running on http://{host}:{port}/")
    logins = demo_logins(db.session())
    if logins:
        click.echo(f"Log in to the demo at http://{host}:{port}/coordinator/login with the password "
                   f"{DEMO_PASSWORD} and a code from an authenticator app given the account's URI:")
        for organisation, email, uri in logins:
            click.echo(f"    {email}  ({organisation})\n        {uri}")
    click.echo("")
    redact_development_log()
    # Werkzeug directly: Flask's app.run() refuses to start inside a CLI command.
    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


@click.group("db")
def database() -> None:
    """Manage the database."""


@database.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Migrate the database to the newest schema and load the reference data."""
    from .reference_data import load_reference_data

    with db.engine().begin() as connection:
        upgrade(connection)
    counts = load_reference_data(db.session())
    changed = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    click.echo(f"Database is up to date{'; loaded ' + changed if changed else ''}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are already volunteers.")
@click.option("--per-area", type=int, default=60, show_default=True,
              help="Volunteers (and as many newcomers) per municipality.")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--force", is_flag=True, help="Load it outside local use too (a demo server).")
@click.option("--pairs/--no-pairs", default=True, show_default=True,
              help="Also run matching and give each organisation a year of pairs and some to introduce.")
@with_appcontext
def seed_demo_command(if_empty: bool, per_area: int, seed: int, force: bool, pairs: bool) -> None:
    """Load a demo pool of volunteers and newcomers, with a coordinator per organisation."""
    from .demo import seed_demo
    from .demo_pairs import seed_demo_pairs

    config = current_app.config
    if not (config["DEVELOPMENT"] or config["TESTING"] or force):
        raise click.ClickException(
            "the demo coordinators share a published password: load the demo pool only for local use "
            "(KOMPIS_DEVELOPMENT=1), or on a demo server with --force"
        )
    session = db.session()
    if if_empty and session.scalar(select(func.count()).select_from(Volunteer)):
        click.echo("The database already has people; no demo pool loaded.")
        return
    summary = seed_demo(session, per_area=per_area, seed=seed)
    click.echo(
        f"Loaded {summary['volunteers']} volunteers and {summary['newcomers']} newcomers "
        f"in {summary['organisations']} organisations."
    )
    if pairs:
        click.echo(f"Approved {seed_demo_pairs(session)} pairs, the oldest a year ago; a few wait to be introduced.")


@click.command("create-organisation")
@click.argument("name")
@click.option("--municipality", "municipalities", multiple=True, required=True,
              help="A municipality the organisation serves, by its Swedish name; repeat for several.")
@with_appcontext
def create_organisation_command(name: str, municipalities: tuple[str, ...]) -> None:
    """Create an organisation that runs matching in the municipalities it serves."""
    from flask_babel import force_locale

    from .organisations import OrganisationError, create_organisation

    with force_locale("en"):
        try:
            organisation = create_organisation(db.session(), name, municipalities)
        except OrganisationError as error:
            raise click.ClickException(str(error)) from error
    served = ", ".join(m.name for m in organisation.municipalities)
    click.echo(f"Created {organisation.name}, serving {served}.")


@click.command("create-coordinator")
@click.argument("email")
@click.option("--org", "organisation_name", help="Name of the coordinator's organisation.")
@click.option("--admin", is_flag=True, help="An admin manages organisations and accounts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_coordinator_command(email: str, organisation_name: str | None, admin: bool,
                               password_stdin: bool) -> None:
    """Create a staff account with its second factor; the password is asked for, or read from standard input.

    It prints the account's otpauth:// URI, as text and as a QR code, for an
    authenticator app, and ten recovery codes: give them to the person, and
    nobody else, by a safe way.
    """
    from flask_babel import force_locale

    from .auth import AccountError, create_coordinator
    from .second_factor import issue_recovery_codes, new_secret, provisioning_uri, qr_text

    session = db.session()
    organisation = None
    if organisation_name:
        organisation = session.scalar(select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            names = ", ".join(session.scalars(select(Organisation.name).order_by(Organisation.name)))
            raise click.ClickException(
                f"no organisation is called {organisation_name!r}; there are: {names or 'none yet'}"
            )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"):
            account = create_coordinator(session, email, password, organisation=organisation, admin=admin,
                                         totp_secret=new_secret())
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    codes = issue_recovery_codes(session, account)
    session.commit()
    role = "admin" if admin else "coordinator"
    click.echo(f"Created {role} {email}" + (f" of {organisation.name}" if organisation else "") + ".")
    uri = provisioning_uri(account.email, account.totp_secret)
    click.echo("\nAdd the account to an authenticator app: scan this QR code, or enter the URI.\n")
    click.echo(qr_text(uri))
    click.echo(uri)
    click.echo("\nRecovery codes, each good once when the app is not at hand:")
    for code in codes:
        click.echo(f"    {code}")


@click.group("translate")
def translate() -> None:
    """Extract, update and compile the translation catalogs."""


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@translate.command("extract")
def translate_extract() -> None:
    """Collect every translatable text into web/translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--sort-output", "-o", "web/translations/messages.pot", ".")


@translate.command("update")
def translate_update() -> None:
    """Merge new texts into every language's catalog."""
    translate_extract.callback()  # type: ignore[misc]
    _pybabel("update", "-i", "web/translations/messages.pot", "-d", "web/translations",
             "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogs the app reads."""
    _pybabel("compile", "-d", "web/translations", "--statistics")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run an RQ worker for matching runs (needs REDIS_URL)."""
    from .jobs import run_worker

    run_worker(burst=burst)


@click.command("match")
@click.argument("organisation_name", metavar="ORG")
@click.option("--mode", type=click.Choice(["stable", "optimal"]), default="stable", show_default=True,
              help="stable: nobody would both rather be with someone else; optimal: the largest total score.")
@click.option("--max-distance", "max_distance_km", type=click.IntRange(1, 500),
              help="Propose nobody further apart than this many km (default: each person's own limit).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
@with_appcontext
def match(organisation_name: str, mode: str, max_distance_km: int | None, as_json: bool) -> None:
    """Run matching for an organisation now, as the dashboard does, and print its report."""
    import json

    from .matching.dispatch import notice_dead_runs
    from .matching.runs import RunRefused, create_run, execute_run

    session = db.session()
    organisation = session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        names = ", ".join(session.scalars(select(Organisation.name).order_by(Organisation.name)))
        raise click.ClickException(f"no organisation is called {organisation_name!r}; there are: "
                                   f"{names or 'none yet (kompis create-organisation makes one)'}")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    notice_dead_runs(app, session, organisation.id)
    try:
        run = create_run(session, organisation, started_by=None, mode=mode, max_distance_km=max_distance_km)
    except RunRefused as refused:
        raise click.ClickException(f"run {refused.running.id} of {organisation.name} is still "
                                   f"{refused.running.status.value}; wait until it has finished") from refused
    run = execute_run(session, run.id, heartbeat_seconds=app.config["RUN_HEARTBEAT_SECONDS"])
    report = {"run": run.id, "organisation": organisation.name, "status": run.status.value,
              "mode": mode, "counts": run.counts, "totals": run.totals, "timings": run.timings,
              "error": run.error}
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        counts = run.counts
        click.echo(f"Run {run.id} for {organisation.name}: {run.status.value}.")
        if run.status.value == "finished":
            click.echo(f"  {counts.get('newcomers', 0)} newcomers waiting, {counts.get('volunteers', 0)} volunteers "
                       f"with {counts.get('free_seats', 0)} free seats, {counts.get('candidates', 0)} candidate pairs.")
            click.echo(f"  {counts.get('proposals', 0)} pairs proposed, {counts.get('unmatched', 0)} newcomers "
                       f"without a proposal, in {run.timings.get('total', 0):.1f} s.")
            if not counts.get("newcomers"):
                click.echo("  Nobody to match: no active newcomer is waiting.")
            elif not counts.get("free_seats"):
                click.echo("  Nobody to match: no active volunteer has a free seat.")
    if run.status.value == "failed":
        raise SystemExit(1)


def _require_schema(table: str) -> None:
    """Stop with what to do when the database has not been migrated yet."""
    from sqlalchemy import inspect

    if not inspect(db.session().get_bind()).has_table(table):
        raise click.ClickException("the database is not set up yet (or is older than this Kompis); "
                                   "run `kompis db upgrade` first")


@click.command("send-followups")
@with_appcontext
def send_followups() -> None:
    """Send the follow-ups that are due. Safe from cron every hour, twice at once, or after a crash."""
    from .delivery import deliver_waiting
    from .pairs.followups import send_due

    _require_schema("follow_ups")
    session = db.session()
    sent = send_due(session)
    retried = deliver_waiting(session)
    click.echo(f"{sent} follow-ups sent" + (f"; {retried} earlier messages delivered" if retried else "") + ".")


@click.command("housekeeping")
@with_appcontext
def housekeeping() -> None:
    """Nudge pairs that have not met, ask idle volunteers, pause the silent, count stale proposals. Idempotent."""
    from .pairs import housekeeping as rounds

    _require_schema("follow_ups")
    report = rounds.run(db.session())
    click.echo(f"{report.nudged_pairs} pairs reminded to meet; {report.asked_volunteers} idle volunteers asked "
               f"whether they are still available; {report.paused_volunteers} who did not answer paused; "
               f"{report.stale_proposals} proposals waiting longer than their organisation allows.")


@click.command("purge-expired")
@with_appcontext
def purge_expired() -> None:
    """Apply each organisation's retention period and erasure policy; remove old outbox files. Idempotent, daily."""
    from .privacy import retention

    _require_schema("disposal_decisions")
    done = retention.purge_expired(db.session())
    lines = [line for organisation in done.organisations for line in _purge_lines(organisation)]
    if done.outbox_files:
        lines.append(f"Outbox files removed, older than {done.outbox_days} days: {done.outbox_files}.")
    for line in lines or ["Nothing was due."]:
        click.echo(line)


def _purge_lines(done: OrganisationPurge) -> list[str]:
    """Return a line for each thing the purge did in one organisation, and for those waiting for a decision."""
    from .views import external_url

    said = [
        (done.unconfirmed, "volunteers erased who never confirmed their address within 30 days"),
        (done.volunteers_erased, f"volunteers erased, inactive for over {done.retention_months} months"),
        (done.newcomers_erased, f"newcomers erased, inactive for over {done.retention_months} months"),
        (done.erased_by_decision, "people erased under a recorded disposal decision"),
        (done.returned, "people a disposal decision covered, kept because they have been active since"),
        (done.decisions_carried_out, "disposal decisions carried out"),
        (done.pairs_anonymised, f"pairs ended over {done.retention_months} months ago, now kept only as counts"),
        (done.proposals_deleted, f"rejected or superseded proposals deleted, older than {done.retention_months} "
                                 "months"),
    ]
    # "what: count" reads right for one and for many, in a log as on a terminal.
    lines = [f"{done.name}: {what}: {count}." for count, what in said if count]
    if done.due_for_decision:
        page = external_url("admin.disposal", organisation_id=done.organisation_id)
        lines.append(f"{done.name}: people inactive for over {done.retention_months} months waiting for a disposal "
                     f"decision: {done.due_for_decision}; an admin records it at {page}")
    return lines
