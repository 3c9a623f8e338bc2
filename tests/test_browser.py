"""The rendered book in a real browser, with the network cut off.

Debian's Chromium (``apt-get install chromium``; or the browser ``$CHROMIUM`` names),
driven by Playwright (which downloads no browser of its own), opens every page
of the built book (``book_build`` in conftest.py) served on localhost. Every request to
any other address is refused, as in a classroom without Wi-Fi. For every page: no
console error and no failed request; no page weighs more than 4 MB (each page's weight
is written to ``_build/page_weights.json``); every live widget shows its note and no
page renders a widget; every kernel-free twin answers its controls (the image shown
changes); every animation plays; the Colab button opens that chapter's notebook; no
internal link is broken. A screenshot of each page is left in ``_build/screenshots/``
for a person to look at.
"""

import functools
import http.server
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from editions import EDITIONS, toc_files

# Run after the chapters are executed: `make test`'s last step (see the Makefile).
pytestmark = pytest.mark.rendered_book
ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

# The flags that keep a headless Chromium from reaching out on its own (design.md).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  # Every host name but localhost resolves to nothing: no network.
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
PAGE_WEIGHTS = ROOT / "_build" / "page_weights.json"
MOST_BYTES = 4_000_000  # what one page may load, all files together, uncompressed


PAGES = [f"{prefix}{name}.html" for prefix in EDITIONS
         for name in toc_files(prefix) + ["genindex", "search"]]
NOTEBOOKS = {f"{prefix}book/{p.stem}.html": p for prefix, folder in EDITIONS.items()
             for p in (folder / "book").glob("*.ipynb")}
# What a chapter's code asks for, so a page that lost its twins or players fails.
TWIN_MAKERS = re.compile(r"\b(?:image_player|grid_player|choice_grid|convolution_gallery|"
                         r"knob_gallery|style_mixing_gallery)\(")
LIVE_MAKERS = re.compile(r"\b(?:convolution_explorer|latent_explorer|interpolation_widget|"
                         r"conditional_explorer|style_mixer|knob_panel)\(|display\(dashboard\)")
PLAYER_MAKERS = re.compile(r"\b(?:animation_html|\w+\.animation)\(")


def _calls(name: str, pattern: re.Pattern) -> int:
    return len(pattern.findall(NOTEBOOKS[name].read_text())) if name in NOTEBOOKS else 0


def _chromium() -> str:
    """Debian's Chromium, or the Chromium-family browser that $CHROMIUM names."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"no browser at {path}: the browser tests need Chromium "
                    "(sudo apt-get install chromium), or set CHROMIUM to the path of "
                    "Chromium or Chrome")
    return path


@pytest.fixture(scope="module")
def site(book_build):
    """The built book, served on a free localhost port for the module's duration."""
    assert book_build["returncode"] == 0, "the book did not build; see test_book.py"
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(),
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One page opened in the browser, with everything that went wrong while loading."""

    page: object
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    refused_requests: list = field(default_factory=list)
    loaded_bytes: dict = field(default_factory=dict)  # URL: bytes received


def _open(browser, url: str) -> Visit:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    visit = Visit(page)
    local = urlsplit(url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            visit.refused_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed_requests.append(
        f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and visit.failed_requests.append(
        f"{r.url} (HTTP {r.status})"))
    # The server sends every file whole and uncompressed, with its length.
    page.on("response", lambda r: visit.loaded_bytes.__setitem__(
        r.url, int(r.headers.get("content-length", 0))))
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_load_state("networkidle")
    return visit


@pytest.fixture(scope="module")
def visits(browser, site):
    """Each page opened once, on first use, and kept open for the tests that follow."""
    opened = {}

    def visit(name: str) -> Visit:
        if name not in opened:
            opened[name] = _open(browser, site + name)
        return opened[name]

    yield visit
    for v in opened.values():
        v.page.context.close()


def test_every_built_page_is_tested(book_build):
    built = {str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
             if not any(part.startswith("_") for part in p.relative_to(HTML).parts)}
    landing = {f"{prefix}index.html" for prefix in EDITIONS}  # each redirects to its intro
    assert built - landing <= set(PAGES), f"untested pages: {built - landing - set(PAGES)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_offline(visits, name):
    visit = visits(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / name.replace("/", "__").replace(".html", ".png")
    visit.page.screenshot(path=str(shot), full_page=True)
    assert not visit.refused_requests, f"reaches for the network: {visit.refused_requests}"
    assert not visit.failed_requests, f"failed requests: {visit.failed_requests}"
    assert not visit.console_errors, f"console errors: {visit.console_errors}"
    text = visit.page.inner_text("main")
    if not name.endswith("search.html"):  # empty until something is searched for
        assert len(text.split()) > 20, "the page shows almost nothing"
    for noise in ("Traceback (most recent call last)", "Could not create a view",
                  "Error displaying widget", "UserWarning"):
        assert noise not in text, f"{noise!r} shows on the page"


def test_search_finds_the_chapter_that_explains_a_term(browser, site):
    visit = _open(browser, site + "search.html?q=discriminator")
    results = visit.page.locator("ul.search li a")
    results.first.wait_for(timeout=30_000)
    hrefs = results.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    visit.page.context.close()
    assert any("05_adversarial_training" in h for h in hrefs), hrefs


@pytest.mark.parametrize("name", PAGES)
def test_every_live_widget_shows_its_note_and_no_page_renders_a_widget(visits, name):
    # No kernel runs behind the book: a live widget there would be controls that do
    # nothing, and the widget manager to draw it weighs 3.6 MB. Its note says where it
    # runs, and its twin (plain HTML) works on the page.
    page = visits(name).page
    assert page.locator(WIDGET_VIEW).count() == 0
    assert page.locator(".jupyter-widgets").count() == 0
    notes = page.locator(".genlab-live").count()
    assert notes >= _calls(name, LIVE_MAKERS), f"{name}: a live widget shows no note"


@pytest.mark.parametrize("name", PAGES)
def test_no_page_weighs_more_than_4_mb(visits, name):
    loaded = visits(name).loaded_bytes
    weight = sum(loaded.values())
    weights = json.loads(PAGE_WEIGHTS.read_text()) if PAGE_WEIGHTS.exists() else {}
    heaviest = sorted(loaded.items(), key=lambda item: -item[1])[:5]
    weights[name] = {"bytes": weight, "files": len(loaded),
                     "heaviest": {urlsplit(url).path: size for url, size in heaviest}}
    PAGE_WEIGHTS.write_text(json.dumps(weights, indent=1, sort_keys=True) + "\n")
    assert weight <= MOST_BYTES, (f"{name} loads {weight / 1e6:.2f} MB (at most "
                                  f"{MOST_BYTES / 1e6:.0f} MB); heaviest: {heaviest}")


def _shown_images(twin) -> list[str]:
    """The sources of the images a twin shows now (a Stack hides all but one page)."""
    return twin.evaluate(
        "el => Array.from(el.querySelectorAll('img')).filter(i => i.checkVisibility())"
        ".map(i => i.src)")


def _slider_values(twin) -> list[str]:
    return twin.locator('input[type="range"]').evaluate_all("hs => hs.map(h => h.value)")


@pytest.mark.parametrize("name", [p for p in PAGES if p in NOTEBOOKS])
def test_every_kernel_free_twin_answers_its_controls(visits, name):
    page = visits(name).page
    twins = page.locator(".genlab-twin")
    assert twins.count() >= _calls(name, TWIN_MAKERS)
    for t in range(twins.count()):
        twin = twins.nth(t)
        twin.scroll_into_view_if_needed()
        controls = twin.locator('input[type="range"]').all() + twin.locator("select").all()
        assert controls, f"twin {t} on {name} has no control"
        for control in controls:
            before = _shown_images(twin)
            assert len(before) == 1, f"twin {t} on {name} shows {len(before)} images"
            if control.evaluate("el => el.tagName") == "SELECT":
                options = control.locator("option").count()
                current = control.evaluate("el => el.selectedIndex")
                control.select_option(index=(current + 1) % options)
            else:
                sliders = _slider_values(twin)
                control.focus()
                control.press("ArrowRight")
                if _slider_values(twin) == sliders:  # it was at its right end
                    control.press("ArrowLeft")
            page.wait_for_function(
                "([el, old]) => { const now = Array.from(el.querySelectorAll('img'))"
                ".filter(i => i.checkVisibility()).map(i => i.src);"
                " return now.length === 1 && now[0] !== old; }",
                arg=[twin.element_handle(), before[0]], timeout=10_000)


@pytest.mark.parametrize("name", [p for p in PAGES if p in NOTEBOOKS])
def test_every_animation_plays(visits, name):
    page = visits(name).page
    players = page.locator("div.animation")
    assert players.count() >= _calls(name, PLAYER_MAKERS)
    for a in range(players.count()):
        player = players.nth(a)
        player.scroll_into_view_if_needed()
        frame = player.locator("img").first
        first = frame.get_attribute("src")
        assert first and first.startswith("data:image/png"), "the player shows no frame"
        player.locator('button[title="Play"]').click()
        page.wait_for_function("([img, old]) => img.src !== old",
                               arg=[frame.element_handle(), first], timeout=10_000)
        player.locator('button[title="Pause"]').click()


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_colab_button_opens_this_chapter(visits, name):
    page = visits(name).page
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    expected = (f"https://colab.research.google.com/github/{repo}/blob/"
                f"{CONFIG['repository']['branch']}/{NOTEBOOKS[name].relative_to(ROOT)}")
    links = page.locator('a[href^="https://colab.research.google.com/"]')
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    assert hrefs == [expected]


@pytest.mark.parametrize("name", PAGES)
def test_no_internal_link_is_broken(visits, site, name):
    hrefs = visits(name).page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    broken = []
    for href in hrefs:
        if not href.startswith(site):
            continue  # another site (GitHub, Colab): not ours to check offline
        parts = urlsplit(href)
        target = HTML / unquote(parts.path.lstrip("/"))
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(href)
        elif parts.fragment and target.suffix == ".html":
            ids = set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8")))
            if unquote(parts.fragment) not in ids:
                broken.append(href)
    assert not broken, f"broken links on {name}: {sorted(set(broken))}"


@pytest.mark.parametrize("name", [p for p in PAGES if p in NOTEBOOKS])
def test_no_output_is_cut_off_at_the_right(visits, name):
    # A box of a cell's output that scrolls or clips sideways hides what does not fit
    # (a table's last columns, the end of a printed line) from a reader at 1280 px.
    cut = visits(name).page.evaluate(
        """() => Array.from(document.querySelectorAll('.cell_output, .cell_output *'))
             .filter(el => ['auto', 'scroll', 'hidden'].includes(
                               getComputedStyle(el).overflowX) &&
                           el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0 &&
                           !el.closest('.genlab-twin, div.animation'))
             .map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 60))""")
    assert not cut, f"outputs cut off at the right on {name}: {cut}"


@pytest.mark.parametrize("name", [p for p in PAGES if p in NOTEBOOKS])
def test_figures_are_drawn_for_the_column(visits, name):
    # A figure wider than the column is shrunk to fit, and its text with it: drawn at
    # 13 inches for a 6.9-inch column, its 10-point labels read as 5-point ones. A
    # little shrinking (a tight bounding box, a wide grid of digits) is allowed.
    shrunk = visits(name).page.evaluate(
        """() => Array.from(document.querySelectorAll('.cell_output img'))
             .filter(i => !i.closest('.genlab-twin, div.animation') &&
                          i.clientWidth > 0 && i.naturalWidth > 1.3 * i.clientWidth)
             .map(i => `${i.naturalWidth} px shown at ${i.clientWidth} px`)""")
    assert not shrunk, f"figures too wide for the column on {name}: {shrunk}"


# Numbers in the prose that are settings the text names, not results of a run.
SETTINGS = {
    "book/06_gan_instability.html": {"0.01"},  # weight clipping's box; D(G(z)) in a question
    "book/07_style_based_generators.html": {"0.01"},  # the mapping network's rate factor
    "book/08_diffusion.html": {"0.02"},  # a question's given timing
}
TWO_DECIMALS = re.compile(r"(?<![\w.])\d+\.\d\d(?!\d)")  # signs set aside


@functools.cache
def _shipped_figures() -> frozenset[str]:
    """Every measured figure the shipped models' manifests and genlab's results hold,
    as the prose writes it (two decimals)."""
    found = set()

    def walk(value):
        if isinstance(value, float):
            found.add(f"{abs(value):.2f}")
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in [*(ROOT / "genlab/weights").glob("*.json"),
                 *(ROOT / "genlab/results").glob("*.json")]:
        walk(json.loads(path.read_text()))
    return frozenset(found)


@pytest.mark.parametrize("name", [p for p in PAGES if p in NOTEBOOKS])
def test_every_measured_number_in_the_prose_is_in_an_output(visits, name):
    # A sentence that quotes a run's result must agree with the run: every number with
    # two decimals in the prose appears, to two decimals, in an output of the page, or
    # is a shipped model's measured figure (genlab/weights/*.json, genlab/results/), or
    # is a setting the text names (SETTINGS).
    prose, outputs = visits(name).page.evaluate(
        """() => {
             const article = document.querySelector('article').cloneNode(true);
             const outputs = Array.from(article.querySelectorAll('.cell_output'))
                                  .map(o => o.textContent).join('\\n');
             article.querySelectorAll('.cell, mjx-container, .math, code, pre, details')
                    .forEach(el => el.remove());
             return [article.textContent, outputs];
           }""")
    shown = {f"{float(n):.2f}" for n in re.findall(r"\d+\.\d+", outputs)}
    allowed = shown | _shipped_figures() | SETTINGS.get(name.removeprefix("ko/"), set())
    stray = sorted({n for n in TWO_DECIMALS.findall(prose) if n not in allowed})
    assert not stray, (f"{name}: the prose says {stray}, which no output of the page and "
                       f"no shipped figure shows")


@pytest.mark.parametrize("name", PAGES)
def test_the_language_switch_leads_to_the_same_page_in_the_other_edition(visits, site, name):
    links = visits(name).page.locator("p.genlab-edition a")
    assert links.count() == 1, f"{name}: {links.count()} links to the other edition"
    other = name.removeprefix("ko/") if name.startswith("ko/") else "ko/" + name
    assert links.first.evaluate("a => a.href") == site + other
    links.first.click(trial=True, timeout=5_000)  # visible, and nothing covers it
    assert other in PAGES  # and the browser tests open it too
