"""The strict book build: every chapter executed once, nothing warns, widgets need no CDN.

``make test`` executes every chapter once, with nbmake, on a copy of ``book/`` in
``_executed/book``, and puts the outputs into the book's execution cache
(``scripts/seed_execution_cache.py``). The build (``book_build`` in conftest.py) is then
``make book``'s own, into ``_build/``: it finds every chapter in that cache, renders it
and executes none again. So a passing test suite leaves the rendered book behind, and
test_browser.py opens it in a browser.
"""

import functools
import html
import re
from pathlib import Path

import pytest
import yaml
from editions import EDITIONS, korean_catalogue, toc_files

# Run after the chapters are executed: `make test`'s last step (see the Makefile).
pytestmark = pytest.mark.rendered_book
ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_executed"  # where make test's nbmake run leaves the chapters
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
CHAPTERS = [(prefix, path) for prefix, folder in EDITIONS.items()
            for path in sorted((folder / "book").glob("*.ipynb"))]


def toc_notebooks(prefix: str = "") -> list[str]:
    """Every page of an edition's ``_toc.yml`` that is a notebook, as ``book/NAME``."""
    return [name for name in toc_files(prefix)
            if (EDITIONS[prefix] / f"{name}.ipynb").is_file()]


@pytest.fixture(scope="module")
def build_log(book_build):
    assert book_build["returncode"] == 0, f"strict book build failed:\n{book_build['log'][-6000:]}"
    return book_build["log"]


def page(name: str) -> str:
    return (HTML / name).read_text(encoding="utf-8")


def test_build_is_strict_and_clean(build_log):
    assert "build succeeded" in build_log
    # Sphinx's own warnings ("file.md:12: WARNING: ..."); -W already turns them into a
    # failed build, this names them. (The kernel's "[IPKernelApp] WARNING |" is not one.)
    warnings = re.findall(r"^.*(?:^|: )(?:WARNING|ERROR): .*$", build_log, re.M)
    assert not warnings, "\n".join(warnings)


def test_every_chapter_of_the_toc_was_executed_by_nbmake():
    """A chapter the pipeline skipped (not collected, deselected, not copied) fails here."""
    import nbformat

    chapters = [prefix + name for prefix in EDITIONS for name in toc_notebooks(prefix)]
    assert len(chapters) == len(CHAPTERS), "a notebook in book/ is missing from _toc.yml"
    for name in chapters:
        executed = EXECUTED / f"{name}.ipynb"
        assert executed.is_file(), f"{name} was not executed: no {executed} (run make test)"
        code = [c for c in nbformat.read(executed, as_version=4).cells
                if c.cell_type == "code" and c.source.strip()]
        assert code and all(c.execution_count is not None for c in code), \
            f"{executed} holds code cells nbmake did not execute"


def test_the_build_executed_nothing_again(build_log):
    """One execution per chapter: the build renders the chapters nbmake executed."""
    executed_again = re.findall(r"^(.*): Executing notebook", build_log, re.M)
    assert not executed_again, f"the build executed these chapters a second time: {executed_again}"
    from_cache = re.findall(r"^.*?/((?:ko/)?book/[^/]+)\.ipynb: Using cached notebook",
                            build_log, re.M)
    assert sorted(from_cache) == sorted(prefix + name for prefix in EDITIONS
                                        for name in toc_notebooks(prefix))


def test_landing_page_is_the_intro(build_log):
    assert "intro.html" in page("index.html")
    intro = re.sub(r"<[^>]+>", " ", page("book/intro.html"))
    assert "The story this book follows" in intro and "How to read it" in intro
    assert len(intro.split()) > 800  # real prose, not a placeholder


@pytest.mark.parametrize("prefix, chapter", CHAPTERS, ids=lambda p: str(p)[-40:])
def test_chapter_page_has_outputs_and_a_colab_button(build_log, prefix, chapter):
    html = page(f"{prefix}book/{chapter.stem}.html")
    assert 'class="cell_output' in html, "the chapter was not executed"
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = CONFIG["repository"]["branch"]
    colab = (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
             f"{prefix}book/{chapter.name}")
    assert colab in html
    for noise in ("Traceback", "UserWarning", "DeprecationWarning"):
        assert noise not in html, f"{noise} printed into {chapter.name}"


def _output_text(page_html: str) -> str:
    """The text of a page's cell outputs, tags dropped and entities decoded."""
    outputs = re.findall(r'<div class="cell_output.*?(?=<div class="cell docutils|</article>)',
                         page_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(outputs)))


@functools.cache
def _english_phrases() -> frozenset[str]:
    """The runs of three words or more between the placeholders of every catalogued
    English text that Korean words differently."""
    return frozenset(" ".join(piece.split())
                     for english, korean in korean_catalogue().items() if korean != english
                     for piece in re.split(r"\{[^}]*\}", english)
                     if len(piece.split()) >= 3)


@pytest.mark.parametrize("chapter", [p for prefix, p in CHAPTERS if prefix == "ko/"],
                         ids=lambda p: p.stem)
def test_korean_pages_show_genlab_in_korean(build_log, chapter):
    """What genlab prints on a Korean page comes from its Korean catalogue: no English
    phrase of the catalogue (three words or more, between its placeholders) is left."""
    text = " ".join(_output_text(page(f"ko/book/{chapter.stem}.html")).split())
    assert re.search("[\uac00-\ud7a3]", text), "no Korean in the page's outputs"
    left = sorted(phrase for phrase in _english_phrases() if phrase in text)
    assert not left, f"English from genlab on the Korean page: {left[:5]}"


def test_pages_load_their_javascript_from_the_book_and_no_widget_manager(build_log):
    executed = [p for p in HTML.rglob("*.html") if 'class="cell_output' in p.read_text()]
    assert executed, "no executed chapter was rendered"
    for html_file in HTML.rglob("*.html"):
        html = html_file.read_text()
        sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
        assert not [s for s in sources if "://" in s], f"{html_file.name} loads from afar"
        # no kernel runs behind the book: twins are plain HTML, live widgets a note
        for widget in ("application/vnd.jupyter.widget-state+json",
                       "application/vnd.jupyter.widget-view+json", "embed-amd"):
            assert widget not in html, f"{html_file.name} carries {widget}"
    # the theme's icon script is replaced by genlab's stub (its CSS draws the icons)
    assert (HTML / "_static/scripts/fontawesome.js").stat().st_size < 2_000
