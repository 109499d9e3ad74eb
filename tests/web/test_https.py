"""HSTS is sent over HTTPS, as the app or its trusted proxies see it, and never over plain http."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from web import create_app

HSTS = "Strict-Transport-Security"


def test_hsts_over_https_only(client: FlaskClient) -> None:
    assert client.get("/", base_url="https://kompis.test").headers[HSTS] == "max-age=31536000; includeSubDomains"
    assert client.get("/no-such-page", base_url="https://kompis.test").headers.get(HSTS)  # on errors too
    assert HSTS not in client.get("/").headers


def test_hsts_behind_a_trusted_proxy(app: Flask, database_url: str, tmp_path) -> None:
    behind_proxy = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "PROXY_COUNT": 1,
                               "MAIL_OUTBOX": str(tmp_path / "outbox"), "SERVER_NAME": "kompis.test"})
    client = behind_proxy.test_client()
    assert HSTS in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    assert HSTS not in client.get("/", headers={"X-Forwarded-Proto": "http"}).headers
    # Without a trusted proxy, the header a visitor sends proves nothing.
    assert HSTS not in app.test_client().get("/", headers={"X-Forwarded-Proto": "https"}).headers
    behind_proxy.extensions["kompis.engine"].dispose()
