"""Production settings fail loudly when missing; e-mailed links never follow a forged Host."""

from __future__ import annotations

import pytest

from tests.factories import make_organisation
from tests.web.helpers import get_form, mails
from tests.web.test_volunteer_signup import URL, answers
from web import create_app, db


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECRET_KEY", "PUBLIC_URL", "DEVELOPMENT"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"KOMPIS_{name}", raising=False)


@pytest.mark.usefixtures("production_environment")
@pytest.mark.parametrize(
    ("settings", "named"),
    [({"PUBLIC_URL": "https://kompis.example.se"}, "SECRET_KEY"), ({"SECRET_KEY": "s" * 64}, "PUBLIC_URL")],
)
def test_production_refuses_to_start_without(settings: dict[str, str], named: str, tmp_path) -> None:
    with pytest.raises(RuntimeError, match=named):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}", **settings})


@pytest.mark.usefixtures("production_environment")
def test_production_starts_with_both(tmp_path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}", "SECRET_KEY": "s" * 64,
                      "PUBLIC_URL": "https://kompis.example.se"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_confirm_link_is_on_the_public_address_whatever_the_host_header(database_url: str, tmp_path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "s" * 64,
                      "PUBLIC_URL": "https://kompis.example.se", "PROXY_COUNT": 1,
                      "MAIL_OUTBOX": str(tmp_path / "outbox"), "RATELIMIT_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        make_organisation(db.session())
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    _, token = get_form(client, URL)
    data = {**answers(client), "csrf_token": token}
    assert client.post(URL, data=data, headers=forged).status_code == 302
    [message] = mails(tmp_path / "outbox")
    assert "https://kompis.example.se/volunteer/confirm/" in message.get_content()
    assert "evil.example" not in message.get_content()
    app.extensions["kompis.engine"].dispose()
