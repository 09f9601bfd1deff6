"""The built site as a reader meets it in headless Chromium: walking, phone width, axe-core, search, print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agendasite.finish.handbook import HANDBOOK_DIR
from agendasite.model import Site

from ..conftest import load_model
from .conftest import CONFIG, DESKTOP, PHONE
from .pages import ITEM, MEETING, page_types, page_urls

pytestmark = pytest.mark.browser

PAGE_TYPES = ("front", "meeting", "item", "annex-index", "annex-page", "funding-annex", "search", "404")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WHY_MISSING = {
    "annex-page": "the content has no Markdown annex document",
    "funding-annex": "the built site has no funding annex page yet (computed funding annexes: issue 3)",
    "search": "the built site has no search page yet (Pagefind search: issue 5, the other half)",
}


@pytest.fixture(scope="module")
def model() -> Site:
    """The embedded site's model, as the loader reads it."""
    return load_model(CONFIG)


@pytest.fixture(scope="module")
def urls(built_site: Path, model: Site) -> dict[str, str | None]:
    """One URL per page type of the built embedded site."""
    return page_types(built_site, model)


def _walk(urls: dict[str, str | None]) -> tuple[str, str, str]:
    """Meeting, item and annex page of a Markdown annex document."""
    annex = url_of(urls, "annex-page")
    return urls["walk-meeting"] or "", urls["walk-item"] or "", annex


def url_of(urls: dict[str, str | None], kind: str) -> str:
    """The page of a type, or a skip saying why this build has none."""
    url = urls[kind]
    if url is None:
        pytest.skip(WHY_MISSING.get(kind, f"no {kind} page"))
    return url


@pytest.fixture
def page(chromium):
    """A fresh desktop tab in the light scheme."""
    context = chromium.new_context(viewport=DESKTOP, color_scheme="light")
    tab = context.new_page()
    yield tab
    context.close()


def h1(tab) -> str:
    return " ".join(tab.locator("h1").inner_text().split())


def _link_to(tab, target_url: str):
    """The link in main whose href leads to the site URL (links are relative, so compare resolved URLs)."""
    for link in tab.locator("main a[href]").all():
        if link.evaluate("a => a.href") == target_url:
            return link
    raise AssertionError(f"no link to {target_url} on {tab.url}")


def test_walk_front_meeting_item_annex_and_back_by_breadcrumbs(page, site_url: str, urls):
    # by the link names a reader sees: the September agenda and its item with a computed table
    page.goto(site_url)
    assert h1(page) == "KKR Hovedstaden – dagsordener"
    page.locator("main").get_by_role("link", name=re.compile("6. september 2024")).click()
    assert page.url == site_url + MEETING
    assert h1(page) == "KKR Hovedstaden, 6. september 2024"
    page.get_by_role("link", name=re.compile("3.4 Opfølgning på lånepuljen")).click()
    assert page.url == site_url + ITEM
    assert "Opfølgning på lånepuljen til botilbud 2024-2026" in h1(page)
    # from the front page down to a Markdown annex document (spring meeting), then back up by the breadcrumbs
    meeting_url, item_url, annex_url = _walk(urls)
    page.goto(site_url)
    _link_to(page, site_url + meeting_url).click()
    meeting_title = h1(page)
    _link_to(page, site_url + item_url).click()
    item_title = h1(page)
    _link_to(page, site_url + annex_url).click()
    assert page.url == site_url + annex_url
    annex_title = h1(page)

    def trail():
        return page.get_by_role("navigation", name="Brødkrummesti")

    crumbs = [" ".join(t.split()) for t in trail().get_by_role("listitem").all_inner_texts()]
    assert crumbs == ["KKR Hovedstaden – dagsordener", meeting_title, item_title, annex_title]
    trail().get_by_role("link", name=item_title).click()
    assert page.url == site_url + item_url
    trail().get_by_role("link", name=meeting_title).click()
    assert page.url == site_url + meeting_url
    trail().get_by_role("link").first.click()
    assert page.url == site_url
    assert h1(page) == "KKR Hovedstaden – dagsordener"


def test_breadcrumbs_name_the_meeting_with_its_date(page, site_url: str):
    page.goto(site_url + ITEM)
    trail = page.get_by_role("navigation", name="Brødkrummesti")
    assert trail.get_by_role("link", name="KKR Hovedstaden, 6. september 2024").count() == 1


def _horizontal_overflow(tab) -> int:
    """How many CSS pixels the page is wider than the window (0 = no horizontal scrolling)."""
    return tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_phone_width_has_no_horizontal_scroll_and_screenshots(chromium, site_url: str, urls, artifacts: Path, kind):
    url = url_of(urls, kind)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = chromium.new_context(viewport=viewport, color_scheme="light")
        tab = context.new_page()
        tab.goto(site_url + url)
        overflow = _horizontal_overflow(tab)
        tab.screenshot(path=str(artifacts / f"{kind}-{name}.png"), full_page=True)
        context.close()
        assert overflow <= 0, f"{kind} page {url} scrolls sideways by {overflow}px at {viewport['width']}px"


def test_no_page_scrolls_sideways_at_320_px(chromium, site_url: str, built_site: Path):
    """WCAG 1.4.10 (reflow): 320 CSS px, a 1280 px window zoomed to 400 %; every page of the site."""
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    tab = context.new_page()
    wide = []
    for url in page_urls(built_site):
        tab.goto(site_url + url)
        if (overflow := _horizontal_overflow(tab)) > 0:
            wide.append(f"{url}: {overflow}px")
    context.close()
    assert not wide, "pages wider than 320 px:\n" + "\n".join(wide)


def test_wide_table_scrolls_in_its_own_box_on_a_phone(chromium, site_url: str):
    context = chromium.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(site_url + "2024-09-06-kkr-hovedstaden/3-5-fordeling-af-laerepladser-sosu/")
    box = tab.locator(".table-scroll").first
    widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    context.close()
    assert widths[0] > widths[1], "this table is wider than a phone, so its box must scroll"
    assert widths[1] <= PHONE["width"]


def _axe(tab, axe_source: str) -> list[dict]:
    tab.add_script_tag(content=axe_source)
    return tab.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""", AXE_TAGS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_violations(chromium, site_url: str, urls, axe_source: str, kind: str, scheme: str):
    url = url_of(urls, kind)
    problems = []
    for viewport in (DESKTOP, PHONE):
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(site_url + url)
        for violation in _axe(tab, axe_source):
            problems.append(f"{viewport['width']}px {violation['id']} ({violation['help']}):\n    "
                            + "\n    ".join(violation["nodes"][:5]))
        context.close()
    assert not problems, f"axe-core on the {kind} page {url} ({scheme} scheme):\n" + "\n".join(problems)


def test_axe_finds_no_violations_on_any_page(chromium, site_url: str, built_site: Path, axe_source: str):
    """Every page, not only one of each type: annex documents differ in what their Markdown holds."""
    context = chromium.new_context(viewport=DESKTOP)
    tab = context.new_page()
    problems = []
    for url in page_urls(built_site):
        tab.goto(site_url + url)
        problems += [f"{url}: {v['id']} ({v['help']}): {v['nodes'][:3]}" for v in _axe(tab, axe_source)]
    context.close()
    assert not problems, "\n".join(problems)


def test_dark_scheme_follows_the_system_setting(chromium, site_url: str):
    colours = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(viewport=DESKTOP, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(site_url + ITEM)
        colours[scheme] = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] == "rgb(255, 255, 255)"
    assert colours["dark"] != colours["light"]


def test_reading_needs_no_javascript(chromium, site_url: str):
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + ITEM)
    text = tab.locator("main").inner_text()
    rows = tab.locator("table tbody tr").count()
    context.close()
    assert "Indstilling" in text and "lånepuljen" in text
    assert rows == 12


def test_focus_is_visible_and_skip_link_leads_to_main(page, site_url: str):
    page.goto(site_url + MEETING)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")
    page.keyboard.press("Tab")
    title = page.locator(".site-title")
    assert title.evaluate("e => e === document.activeElement")
    assert title.evaluate("e => getComputedStyle(e).outlineColor") == "rgb(255, 255, 255)"
    page.keyboard.press("Shift+Tab")
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#main$"), timeout=5000)  # a same-page navigation: wait, do not race it
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, the next Tab lands in the main content"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_hides_navigation_and_keeps_the_agenda(chromium, site_url: str, scheme: str):
    context = chromium.new_context(viewport=DESKTOP, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + MEETING)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header', '.breadcrumbs', '.site-footer', '.skip-link']
        .map(s => document.querySelector(s)).filter(e => e && getComputedStyle(e).display !== 'none').length""")
    assert hidden == 0
    assert page.locator("main .toc-item").count() == 14
    assert page.locator("main .toc-item").first.is_visible()
    link_colour = page.evaluate("getComputedStyle(document.querySelector('main a')).color")
    assert link_colour == "rgb(0, 0, 0)"
    note = page.evaluate("getComputedStyle(document.querySelector('.note')).backgroundColor")
    assert note == "rgb(243, 245, 247)", "paper is light whatever the screen's colour scheme"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    pdf = page.pdf(format="A4")
    context.close()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_search_finds_an_item_and_opens_it(page, site_url: str, urls, artifacts: Path, axe_source: str):
    url = url_of(urls, "search")
    page.goto(site_url + url)
    page.wait_for_load_state("networkidle")
    fields = 'input[type="search"], input[type="text"], [role="searchbox"]'
    in_main = page.locator("main").locator(fields)
    box = (in_main if in_main.count() else page.locator(fields)).first
    box.wait_for(timeout=15_000)  # a search interface may be drawn by its script
    box.fill("lånepulje")
    box.press("Enter")
    hit = page.locator("main").get_by_role("link", name=re.compile("lånepulje", re.IGNORECASE)).first
    hit.wait_for(timeout=15_000)
    page.screenshot(path=str(artifacts / "search-results-desktop.png"), full_page=True)
    violations = _axe(page, axe_source)
    assert not violations, f"axe-core on the search results: {violations}"
    hit.click()
    page.wait_for_load_state()
    assert "lånepulje" in h1(page).lower()


def test_unknown_address_gets_the_styled_404_page_leading_home(page, site_url: str):
    response = page.goto(site_url + MEETING + "no-such-item/")
    assert response is not None and response.status == 404
    assert h1(page) == "Siden findes ikke"
    header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header == "rgb(11, 79, 108)", "the stylesheet loads at any address"
    page.get_by_role("link", name="Gå til forsiden med alle møder").click()
    assert page.url == site_url
    assert h1(page) == "KKR Hovedstaden – dagsordener"


# The editors' handbook (MkDocs + Material, published under handbook/): its fixes are docs/stylesheets/extra.css,
# docs/javascripts/extra.js, docs/overrides/ and docs/hooks.py. One page of each kind it has.
HANDBOOK_PAGES = {"start": "", "reference": "reference/", "tables": "tables/", "code-and-tables": "funding/",
                  "code": "publishing/"}


def _handbook_problems(tab, axe_source: str, width: int) -> list[str]:
    return [f"{width}px {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"][:5]) for v in _axe(tab, axe_source)]


def _settled(tab) -> None:
    """Wait until Material's fades have ended, so axe measures the colours a reader ends up seeing."""
    tab.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", HANDBOOK_PAGES)
def test_axe_finds_no_violations_in_the_handbook(chromium, site_url: str, axe_source: str, kind: str, scheme: str):
    url = f"{site_url}{HANDBOOK_DIR}/{HANDBOOK_PAGES[kind]}"
    problems = []
    for viewport in (DESKTOP, PHONE):
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_load_state("networkidle")
        _settled(tab)
        shown = tab.evaluate("document.body.dataset.mdColorScheme")
        assert shown == {"light": "default", "dark": "slate"}[scheme], "the handbook follows the system's scheme"
        if kind in ("code", "code-and-tables"):
            assert tab.locator(".md-code__nav .md-code__button").count() > 1, "code blocks with copy buttons"
        problems += _handbook_problems(tab, axe_source, viewport["width"])
        context.close()
    assert not problems, f"axe-core on the handbook page {url} ({scheme} scheme):\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_handbook_search_results_pass_axe(chromium, site_url: str, axe_source: str, artifacts: Path, scheme: str):
    problems = []
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = chromium.new_context(viewport=viewport, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(f"{site_url}{HANDBOOK_DIR}/")
        tab.wait_for_load_state("networkidle")
        tab.keyboard.press("/")  # Material's shortcut opens the search dialog at any width
        dialog = tab.get_by_role("dialog", name="Search")
        dialog.get_by_role("textbox").press_sequentially("table")
        dialog.locator(".md-search-result__link", has_text="Tables with computed totals").first.wait_for(timeout=15_000)
        _settled(tab)
        tab.screenshot(path=str(artifacts / f"handbook-search-{scheme}-{name}.png"))
        problems += _handbook_problems(tab, axe_source, viewport["width"])
        context.close()
    assert not problems, f"axe-core on the handbook's search results ({scheme} scheme):\n" + "\n".join(problems)


def test_handbook_pages_fit_a_phone_and_screenshots(chromium, site_url: str, artifacts: Path):
    wide = []
    for kind, path in HANDBOOK_PAGES.items():
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = chromium.new_context(viewport=viewport, color_scheme="light")
            tab = context.new_page()
            tab.goto(f"{site_url}{HANDBOOK_DIR}/{path}")
            if (overflow := _horizontal_overflow(tab)) > 0:
                wide.append(f"{path or 'start'} at {viewport['width']}px: {overflow}px")
            tab.screenshot(path=str(artifacts / f"handbook-{kind}-{name}.png"), full_page=True)
            context.close()
    assert not wide, "handbook pages scrolling sideways:\n" + "\n".join(wide)
