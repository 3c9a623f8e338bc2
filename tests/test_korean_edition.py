"""The Korean edition (ko/) is the English book's twin: the same pages, the same program,
one Korean term for each idea.

Each Korean chapter runs the same code as its English one (only comments and string
literals may differ), so the two editions cannot drift; the configuration differs only
where an edition must; and every glossary pair is used: where an English chapter names
a glossary term, its Korean twin names the Korean term.
"""

import ast
import io
import json
import re
import tokenize
from pathlib import Path
from typing import Any

import pytest
import yaml

from editions import EDITIONS, ROOT, toc_files

KO = EDITIONS["ko/"]


def _source(folder: Path, name: str) -> Path:
    return next(folder.glob(f"{name}.*"))


PAGES = toc_files("")
NOTEBOOKS = [name for name in PAGES if _source(ROOT, name).suffix == ".ipynb"]


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _program(source: str) -> list[tuple[int, Any]]:
    """A code cell's tokens, with comments dropped and every string literal alike — but
    for the expressions inside an f-string's braces, which are code: a string (adjacent
    literals are one) is the list of its fields, whatever text and word order the edition
    writes around them. (Python 3.12 splits an f-string into tokens, earlier versions
    give one token: either way it is parsed here.)"""
    kinds = {tokenize.COMMENT, tokenize.NL}
    lines = (source + "\n").splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(source + "\n").readline))
    program, i = [], 0
    while i < len(tokens):
        token, end = tokens[i], i
        if token.type == getattr(tokenize, "FSTRING_START", None):
            depth = 1
            while depth:
                end += 1
                depth += {tokenize.FSTRING_START: 1,
                          tokenize.FSTRING_END: -1}.get(tokens[end].type, 0)
        if token.type == tokenize.STRING or end > i:
            fields = _fields(_span(lines, token.start, tokens[end].end))
            if program and program[-1][0] == tokenize.STRING:  # "a" "b": one string
                fields += program.pop()[1]
            program.append((tokenize.STRING, sorted(fields)))
        elif token.type not in kinds:
            program.append((token.type, token.string))
        i = end + 1
    return program


def _span(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1]:end[1]]
    return (lines[start[0] - 1][start[1]:] + "".join(lines[start[0]:end[0] - 1])
            + lines[end[0] - 1][:end[1]])


class _StringsAlike(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("S") if isinstance(node.value, str) else node


def _fields(literal: str) -> list[str]:
    """The code of an f-string's fields (expression, conversion, format spec), with the
    strings inside them alike; none for a plain string."""
    node = ast.parse(literal.strip(), mode="eval").body
    if not isinstance(node, ast.JoinedStr):
        return []
    return [f"{{{ast.unparse(_StringsAlike().visit(v.value))}!{v.conversion}:"
            f"{ast.unparse(v.format_spec) if v.format_spec else ''}}}"
            for v in node.values if isinstance(v, ast.FormattedValue)]


def _prose(path: Path) -> str:
    """The text a reader reads: markdown cells (or the .md file), without code spans,
    math, link targets and role targets."""
    text = (path.read_text() if path.suffix == ".md" else
            "\n".join("".join(c["source"]) for c in _cells(path)
                      if c["cell_type"] == "markdown"))
    text = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$\n]*\$|`[^`]*`", " ", text, flags=re.S)
    return re.sub(r"\]\([^)]*\)", "]", text)


def test_the_korean_edition_has_every_page_in_the_same_order():
    assert toc_files("ko/") == PAGES
    for name in PAGES:
        english, korean = _source(ROOT, name), _source(KO, name)
        assert korean.suffix == english.suffix


def test_the_configuration_differs_only_where_an_edition_must():
    english = yaml.safe_load((ROOT / "_config.yml").read_text())
    korean = yaml.safe_load((KO / "_config.yml").read_text())
    assert korean["repository"]["path_to_book"] == "ko"  # its own Colab buttons
    assert korean["sphinx"]["config"].pop("language") == "ko"  # the theme's words
    assert korean["sphinx"]["local_extensions"].pop("theme_words") == "../_ext/"
    # each edition links to the other (_ext/edition_switch.py)
    assert english["sphinx"]["config"].pop("genlab_other_edition")["root"] == "ko/"
    assert korean["sphinx"]["config"].pop("genlab_other_edition")["root"] == "../"
    assert korean["bibtex_bibfiles"] == ["../" + f for f in english["bibtex_bibfiles"]]
    assert korean["sphinx"]["config"]["html_static_path"] == [
        "../" + f for f in english["sphinx"]["config"]["html_static_path"]]
    assert korean["sphinx"]["local_extensions"] == {
        name: "../" + folder for name, folder in english["sphinx"]["local_extensions"].items()}
    # the themes' words in Korean (_ext/theme_words.py), the search box's among them
    assert korean["sphinx"]["config"].pop("genlab_theme_words")["booktheme"]["By"] != "으로"
    assert "검색" in korean["sphinx"]["config"].pop("html_theme_options")["search_bar_text"]
    assert korean["sphinx"].pop("recursive_update") is True  # adds to JB's theme options
    for config in (english, korean):
        for key in ("title", "author", "exclude_patterns", "bibtex_bibfiles"):
            config.pop(key)
        config["repository"].pop("path_to_book")
        config["sphinx"]["config"].pop("html_static_path")
        config["sphinx"].pop("local_extensions")
    assert korean == english


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_korean_chapter_runs_the_same_program(name):
    english, korean = _cells(_source(ROOT, name)), _cells(_source(KO, name))
    assert [(c["cell_type"], c.get("id"), c["metadata"]) for c in korean] == \
        [(c["cell_type"], c.get("id"), c["metadata"]) for c in english]
    for i, (a, b) in enumerate(zip(english, korean)):
        if a["cell_type"] == "code":
            assert _program("".join(b["source"])) == _program("".join(a["source"])), \
                f"{name}: code cell {i} ({a.get('id')}) differs from the English one"
            assert not b.get("outputs"), f"{name}: code cell {i} is committed with outputs"


@pytest.mark.parametrize("name", PAGES)
def test_each_korean_page_is_korean(name):
    prose = _prose(_source(KO, name))
    hangul = len(re.findall(r"[가-힣]", prose))
    latin = len(re.findall(r"[A-Za-z]", prose))
    assert hangul > latin, f"{name}: {hangul} Hangul letters against {latin} Latin ones"


def _glossary_entries(path: Path) -> list[list[str]]:
    """The term lines of each entry of a page's glossary block (consecutive unindented
    lines name one entry; its definition follows, indented)."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", path.read_text(), re.S).group(1)
    entries, previous_was_term = [], False
    for line in block.splitlines():
        is_term = bool(line.strip()) and not line[0].isspace()
        if is_term and previous_was_term:
            entries[-1].append(line.strip())
        elif is_term:
            entries.append([line.strip()])
        previous_was_term = is_term
    return entries


def _glossary_pairs() -> dict[str, str]:
    """English key: Korean term, from the Korean glossary, where each entry gives the
    Korean term, then the English term the chapters' {term} roles point at."""
    return {entry[-1]: entry[0] for entry in _glossary_entries(KO / "book" / "glossary.md")
            if len(entry) >= 2}


def test_the_korean_glossary_pairs_every_english_term():
    keys = [entry[0] for entry in _glossary_entries(ROOT / "book" / "glossary.md")]
    pairs = _glossary_pairs()
    assert sorted(pairs) == sorted(keys)
    assert all(re.search(r"[가-힣]", korean) for korean in pairs.values())


# English words the book also uses in a wider sense than their glossary entry, with the
# Korean word for that sense: "every generator of this book" (decoders and the diffusion
# model too) is 생성 모델; the GAN's generator is 생성자.
WIDER_SENSE = {"generator": "생성 모델"}


@pytest.mark.parametrize("name", [n for n in PAGES if not n.endswith("glossary")])
def test_one_korean_term_for_each_glossary_term(name):
    # Where the English page names a glossary term, the Korean page names the Korean
    # term the glossary pairs with it; every {term} role shows the paired term.
    pairs = _glossary_pairs()
    english, korean = _prose(_source(ROOT, name)), _prose(_source(KO, name))
    raw = _source(KO, name).read_text()
    missing = []
    for key, term in pairs.items():
        head = term.split(" (")[0]
        named = head in korean or WIDER_SENSE.get(key, head) in korean
        if re.search(rf"\b{re.escape(key)}s?\b", english, re.I) and not named:
            missing.append(f"{key} → {head}")
        for shown in re.findall(rf"\{{term\}}`([^`<]*)<{re.escape(key)}>`", raw):
            if head not in shown:
                missing.append(f"{{term}} {key} shown as {shown.strip()!r}, not {head}")
    assert not missing, f"{name}: " + "; ".join(missing)
