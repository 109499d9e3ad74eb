"""Small screens and scripts: no page scrolls sideways at 320 CSS pixels, lists stack, every script has its glyphs.

320 CSS pixels is WCAG 2.1's reflow width (1.4.10): a 1280-pixel screen zoomed to 400 %, or a small phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import CDPSession, Page, ViewportSize
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Match, MatchStatus
from tests.e2e.test_matching_journey import a_run_with_one_pair_rejected
from tests.factories import make_organisation

SEVEN = ["sv", "en", "ar", "fa_AF", "so", "ti", "uk"]
PUBLIC_PAGES = ["/", "/volunteer/signup", "/newcomer/request", "/coordinator/login", "/privacy", "/accessibility"]
FORMS = ["/volunteer/signup", "/newcomer/request", "/coordinator/login"]  # also refused empty, errors shown
try:  # the request's later steps, where it is asked a step at a time
    from web.newcomer.steps import STEPS
    PUBLIC_PAGES += [f"/newcomer/request?step={step.slug}" for step in STEPS[1:]]
except ImportError:
    pass
NARROW: ViewportSize = {"width": 320, "height": 800}
WIDE: ViewportSize = {"width": 1024, "height": 900}

# What sticks out past the right (or, right to left, the left) edge, to name in a failure.
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
    if (el.closest('.visually-hidden, .honeypot, .skip-link')) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    wide.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    if (wide.length >= 8) break;
  }
  return wide;
}"""


def overflow(page: Page, where: str) -> str | None:
    """Return what makes the page wider than its window, or None if nothing does."""
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width <= min(inner_width, NARROW["width"]):
        return None
    return f"{where}: {scroll_width} px wide in a {inner_width} px window; {page.evaluate(WIDE_ELEMENTS)}"


def test_public_pages_fit_320_pixels_in_every_language(page: Page, live_server: str, session: Session) -> None:
    make_organisation(session)
    page.set_viewport_size(NARROW)
    problems = []
    for language in SEVEN:
        for path in PUBLIC_PAGES:
            page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
            problems.append(overflow(page, f"{path} ({language})"))
        for path in FORMS:
            page.goto(f"{live_server}{path}?lang={language}")
            page.click("main button[type=submit]")
            assert page.locator(".error-summary").count() == 1, (path, language)
            problems.append(overflow(page, f"{path} refused ({language})"))
    found = [p for p in problems if p]
    assert not found, "\n".join(found)


# Every table with column headers: each body cell's data-label must be its column header's text, the
# rows must be blocks at 320 px (and rows of a table again when wide), the label shown before the cell.
TABLE_LAYOUT = """() => {
  const clean = text => text.replace(/\\s+/g, ' ').trim();
  const problems = [];
  const tables = [...document.querySelectorAll('main table')]
    .filter(t => t.tHead && t.tHead.querySelector('th[scope=col]'));
  for (const [t, table] of tables.entries()) {
    const headers = [...table.tHead.rows[0].cells].map(cell => clean(cell.textContent));
    const name = `table ${t + 1} (${table.className})`;
    for (const row of [...table.tBodies].flatMap(body => [...body.rows])) {
      const display = getComputedStyle(row).display;
      if (window.innerWidth <= 320 && display === 'table-row') problems.push(`${name}: a row is still a table row`);
      if (window.innerWidth > 640 && display !== 'table-row')
        problems.push(`${name}: a row is ${display} on a wide screen`);
      for (const [i, cell] of [...row.cells].entries()) {
        if (cell.tagName !== 'TD') continue;
        if (clean(cell.dataset.label || '') !== headers[i])
          problems.push(`${name}: cell ${i + 1} is labelled ${JSON.stringify(cell.dataset.label)}, ` +
                        `its header is ${JSON.stringify(headers[i])}`);
        const before = getComputedStyle(cell, '::before').content;
        if (window.innerWidth <= 320 && !before.includes(JSON.stringify(cell.dataset.label)))
          problems.push(`${name}: cell ${i + 1} does not show its label but ${before}`);
      }
    }
  }
  return [tables.length, [...new Set(problems)]];
}"""


def table_layout(page: Page, where: str) -> tuple[int, list[str]]:
    """Return how many tables with column headers the page has, and what is wrong with their stacking."""
    count, problems = page.evaluate(TABLE_LAYOUT)
    return count, [f"{where}: {problem}" for problem in problems]


def roles(cdp: CDPSession) -> set[str]:
    """Return the roles Chromium's accessibility tree gives the page's nodes."""
    return {node["role"]["value"] for node in cdp.send("Accessibility.getFullAXTree")["nodes"] if "role" in node}


@pytest.fixture
def staff_pages(page: Page, live_server: str, session: Session) -> list[str]:
    """Seed the demo pool, run matching once, reject a pair; return the staff pages to look at."""
    run_id, proposed, rejected = a_run_with_one_pair_rejected(page, live_server, session)
    match = session.scalars(select(Match).where(Match.id == rejected)).one()
    assert match.status == MatchStatus.REJECTED
    return ["/coordinator/", "/coordinator/volunteers", "/coordinator/newcomers",
            f"/coordinator/volunteers/{match.volunteer_id}", f"/coordinator/newcomers/{match.newcomer_id}",
            "/coordinator/runs", f"/coordinator/runs/{run_id}", "/coordinator/proposals",
            f"/coordinator/matches/{proposed}", f"/coordinator/matches/{rejected}", "/coordinator/matches",
            f"/coordinator/newcomers/{match.newcomer_id}/candidates", "/coordinator/weights",
            "/coordinator/newcomers/new", "/coordinator/reports", "/coordinator/wording",
            "/coordinator/wording/meeting/ti", f"/coordinator/volunteers/{match.volunteer_id}/edit"]


def test_staff_pages_fit_320_pixels_and_their_lists_stack(page: Page, live_server: str,
                                                          staff_pages: list[str]) -> None:
    page.set_viewport_size(NARROW)
    problems: list[str | None] = []
    tables = 0
    for language in ["sv", "en", "ar"]:
        page.goto(f"{live_server}/coordinator/?lang={language}")  # remembered from here on
        for path in staff_pages:
            page.goto(f"{live_server}{path}")
            problems.append(overflow(page, f"{path} ({language})"))
            count, wrong = table_layout(page, f"{path} ({language})")
            tables += count
            problems += wrong
    found = [p for p in problems if p]
    assert not found, "\n".join(found)
    assert tables >= 3 * 8, "the lists, the run's tables, the score's parts and the week's times"

    # Stacked, a list is still a table to screen readers: Chromium's accessibility tree says so.
    page.goto(f"{live_server}/coordinator/volunteers")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Accessibility.enable")
    assert {"table", "row", "columnheader", "cell"} <= roles(cdp)
    first_cell = page.locator("table.people tbody td").first
    assert first_cell.get_attribute("data-label") == page.locator("table.people thead th").first.inner_text()

    # Wide, the same lists are plain tables again.
    page.set_viewport_size(WIDE)
    for path in ["/coordinator/volunteers", "/coordinator/matches", "/coordinator/runs", staff_pages[6]]:
        page.goto(f"{live_server}{path}")
        count, wrong = table_layout(page, f"{path} (wide)")
        assert count >= 1 and wrong == [], wrong


# Scripts and the fonts the CSS names for them, which Debian's fonts-noto-core installs.
SCRIPTS = {
    "Arabic": (re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), "Noto Sans Arabic",
               {"Noto Sans Arabic", "Noto Naskh Arabic", "Noto Kufi Arabic"}),
    "Ethiopic": (re.compile(r"[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]"), "Noto Sans Ethiopic",
                 {"Noto Sans Ethiopic", "Noto Serif Ethiopic"}),
}
SAMPLE_FONTS = """(sample) => {
  const span = document.createElement('span');
  span.id = 'script-sample';
  span.textContent = sample;
  document.querySelector('main').append(span);
  const widths = [...new Set(sample)].map(char => {
    const one = document.createElement('span');
    one.textContent = char;
    span.after(one);
    const width = one.getBoundingClientRect().width;
    one.remove();
    return width;
  });
  return [getComputedStyle(span).fontFamily, widths];
}"""


def fonts_of(cdp: CDPSession, selector: str) -> dict[str, int]:
    """Return the fonts Chromium drew an element's text with, and how many glyphs of each."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return {font["familyName"]: font["glyphCount"]
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}


@pytest.mark.parametrize(("language", "script"), [("ar", "Arabic"), ("fa_AF", "Arabic"), ("ti", "Ethiopic"),
                                                  ("sv", "Arabic"), ("sv", "Ethiopic")])
def test_each_script_is_drawn_with_a_font_that_has_its_glyphs(page: Page, live_server: str,
                                                               language: str, script: str) -> None:
    """The page's own letters of the script (in Swedish: the language menu's), drawn by a font that has them.

    document.fonts.check() alone proves nothing for a system font (Chromium answers true for any
    family name), and forcing a font without the glyphs does not give tofu either (Chromium falls back
    to any installed font that has them). So: Chromium must report drawing them with the named Noto font,
    and the letters, measured one by one, must differ in width (the .notdef box is one width for all).
    """
    pattern, family, acceptable = SCRIPTS[script]
    page.goto(f"{live_server}/?lang={language}")
    text = page.evaluate("() => document.body.innerText")
    sample = "".join(dict.fromkeys(char for char in text if pattern.match(char) and char.isalpha()))
    assert len(sample) >= 4, f"hardly any {script} letters on the page: {sample!r}"

    stack, widths = page.evaluate(SAMPLE_FONTS, sample)
    assert family in stack, f"the CSS font stack {stack} does not name {family}"
    assert page.evaluate("(family) => document.fonts.check(`16px \"${family}\"`)", family)
    assert all(width > 0 for width in widths), widths
    assert len({round(width, 2) for width in widths}) > 1, f"every {script} letter is as wide as the others: tofu"

    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    drawn = fonts_of(cdp, "#script-sample")
    assert set(drawn) <= acceptable and sum(drawn.values()) > 0, f"{script} sample drawn with {drawn}"
    if language != "sv":  # the page's heading and lead, in its own script, too
        for selector in ["h1", "p.lead"]:
            used = fonts_of(cdp, selector)
            assert set(used) & acceptable, f"{selector} drawn with {used}"
