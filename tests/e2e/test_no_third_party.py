"""No page makes the browser ask another site for anything: no font, script, image, analytics or tracker.

People's visits are nobody else's business. The walk is over the app's URL map, so a
page added later is loaded too, as a visitor, a coordinator and an admin would load it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import Browser, Page, Request
from sqlalchemy.orm import Session

from tests.signin import sign_in_browser
from tests.web.test_route_proofs import build_world, fill, is_admin, is_coordinators, rules, url


def _watch(page: Page, origin: str, elsewhere: list[str]) -> None:
    def note(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != origin:
            elsewhere.append(f"{page.url} asked for {request.url}")

    page.on("request", note)


def test_no_page_asks_another_origin_for_anything(
    app: Flask, session: Session, browser: Browser, live_server: str
) -> None:
    world = build_world(app, session, name="Stockholms stad", municipality="Stockholm", marker="Alfaström")
    elsewhere: list[str] = []
    visited = 0
    roles = (("anyone", None, lambda rule: not (is_coordinators(rule) or is_admin(rule))),
             ("coordinator", world.coordinator, is_coordinators), ("admin", world.admin, is_admin))
    for _who, account, chosen in roles:
        context = browser.new_context()
        page = context.new_page()
        _watch(page, live_server, elsewhere)
        if account is not None:
            sign_in_browser(page, live_server, account.email, session,
                            home="/admin/" if account.is_admin else "/coordinator/")
        for rule in (r for r in rules(app, "GET") if chosen(r)):
            if rule.rule.endswith(".csv"):
                continue  # a download, not a page
            for values in fill(rule, world):
                page.goto(f"{live_server}{url(rule, values)}")
                page.wait_for_load_state("networkidle")
                visited += 1
        context.close()
    assert visited > 30
    assert elsewhere == []
