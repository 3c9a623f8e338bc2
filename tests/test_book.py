"""The strict book build: every chapter executes, nothing warns, widgets need no CDN.

The build (``book_build`` in conftest.py) is the same as ``make book``'s, into ``_build/``,
so a passing test suite leaves the rendered book behind; test_browser.py then opens it in
a browser. Executed notebooks are cached in ``_build/.jupyter_cache``: an unchanged
chapter is not run twice.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


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


def test_landing_page_is_the_intro(build_log):
    assert "intro.html" in page("index.html")
    intro = re.sub(r"<[^>]+>", " ", page("book/intro.html"))
    assert "The story this book follows" in intro and "How to read it" in intro
    assert len(intro.split()) > 800  # real prose, not a placeholder


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapter_page_has_outputs_and_a_colab_button(build_log, chapter):
    html = page(f"book/{chapter.stem}.html")
    assert 'class="cell_output' in html, "the chapter was not executed"
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = CONFIG["repository"]["branch"]
    colab = (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
             f"book/{chapter.name}")
    assert colab in html
    for noise in ("Traceback", "UserWarning", "DeprecationWarning"):
        assert noise not in html, f"{noise} printed into {chapter.name}"


def test_widgets_load_javascript_from_the_book_not_a_cdn(build_log):
    pages_with_widgets = [p for p in HTML.rglob("*.html")
                          if "application/vnd.jupyter.widget-state+json" in p.read_text()]
    assert pages_with_widgets, "no page embeds widget state"
    for html_file in pages_with_widgets:
        html = html_file.read_text()
        sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
        assert not [s for s in sources if "://" in s], f"{html_file.name} loads from afar"
        for vendored in ("_static/widgets/require.js", "_static/widgets/embed-amd.js"):
            assert any(vendored in s for s in sources), f"{html_file.name} lacks {vendored}"
    assert (HTML / "_static/widgets/embed-amd.js").stat().st_size > 1_000_000
