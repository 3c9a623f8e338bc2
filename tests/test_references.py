"""The bibliography and the glossary: every work cited where its idea appears, every
glossary term paired with its Korean term and linked from its first appearance."""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIB = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
GLOSSARY = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REQUIRED = {  # the works the book must credit, by the idea each introduced
    "goodfellow2014gan": "GAN", "radford2016dcgan": "DCGAN", "kingma2014vae": "VAE",
    "dumoulin2016arithmetic": "convolution arithmetic",
    "odena2016checkerboard": "checkerboard artefacts", "heusel2017fid": "FID",
    "kynkaanniemi2019precision": "precision and recall",
    "miyato2018spectral": "spectral normalisation", "karras2019stylegan": "StyleGAN",
    "ho2020ddpm": "DDPM"}


def _reading_order() -> list[str]:
    return [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]


def _prose(name: str) -> list[str]:
    """The markdown a reader reads on page ``name``, cell by cell."""
    notebook = ROOT / f"{name}.ipynb"
    if notebook.exists():
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    page = ROOT / f"{name}.md"
    return [page.read_text(encoding="utf-8")] if page.exists() else []


PAGES = [name for name in _reading_order() if not name.endswith(("glossary", "references"))]
PROSE = "\n".join(text for name in PAGES for text in _prose(name))
BIB_KEYS = re.findall(r"^@\w+\{([^,]+),", BIB, re.M)
CITED = set(re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", PROSE))
CITED = {key.strip() for group in CITED for key in group.split(",")}


def _glossary_terms() -> list[tuple[str, str]]:
    body = GLOSSARY.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return re.findall(r"^(\S[^\n]*)\n((?:  [^\n]*\n?)+)", body, re.M)


def test_the_required_works_are_in_the_bibliography():
    assert set(REQUIRED) <= set(BIB_KEYS)
    assert len(BIB_KEYS) == len(set(BIB_KEYS)), "a key appears twice"


def test_every_work_is_cited_and_every_citation_exists():
    assert set(BIB_KEYS) <= CITED, f"never cited: {set(BIB_KEYS) - CITED}"
    assert CITED <= set(BIB_KEYS), f"cited but not in references.bib: {CITED - set(BIB_KEYS)}"


def test_the_references_page_lists_the_bibliography():
    assert "{bibliography}" in (ROOT / "book" / "references.md").read_text()
    assert "book/references" in _reading_order()


def test_every_glossary_term_pairs_a_korean_term():
    terms = _glossary_terms()
    assert len(terms) >= 30
    for term, definition in terms:
        assert re.search(r"[\uac00-\ud7a3]", definition.split(".")[0]), \
            f"{term!r} has no Korean term at the start of its entry"


@pytest.mark.parametrize("term", [t for t, _ in _glossary_terms()])
def test_a_term_is_linked_where_it_first_appears(term):
    mention = re.compile(r"(?<![\w-])" + re.escape(term) + r"s?(?![\w-])", re.I)
    for name in PAGES:
        for text in _prose(name):
            prose = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
            found = mention.search(prose)
            if found:
                before = prose[max(0, found.start() - 80):found.start()]
                assert re.search(r"\{term\}`[^`]*$", before), \
                    f"{term!r} first appears unlinked in {name}: " \
                    f"...{prose[max(0, found.start() - 60):found.end() + 20]}..."
                return
    # Terms the prose only ever names in another form are linked under that form.
    assert re.search(r"\{term\}`[^`]*<" + re.escape(term) + ">`", PROSE), \
        f"{term!r} is never linked from the book"


def _first_authors_and_years() -> set[tuple[str, str]]:
    """(first author's surname, year) of every entry of references.bib."""
    works = set()
    for entry in re.split(r"^@", BIB, flags=re.M)[1:]:
        author = re.search(r"author\s*=\s*\{([^,}]+)", entry)
        year = re.search(r"year\s*=\s*\{(\d{4})\}", entry)
        if author and year:
            works.add((author.group(1).strip(), year.group(1)))
    return works


# "Mirza & Osindero, 2014", "Reed et al., 2016", "Heusel et al. (2017)", "Ho (2020)"
AUTHOR_YEAR = re.compile(r"\b([A-Z][a-zà-ÿ-]+)(?: et\s+al\.| (?:&|and)\s+[A-Z][a-zà-ÿ-]+)?"
                         r"(?:,\s*|\s+\()((?:19|20)\d\d)\b")


def test_an_author_and_year_in_the_prose_is_a_work_in_the_references():
    works = _first_authors_and_years()
    assert ("Mirza", "2014") in works and ("Goodfellow", "2014") in works
    assert AUTHOR_YEAR.search("as fakes (Reed et al., 2016); without").groups() == (
        "Reed", "2016")
    assert AUTHOR_YEAR.search("Heusel et al. (2017) speed up").groups() == ("Heusel", "2017")
    missing = sorted({m.group(0) for m in AUTHOR_YEAR.finditer(PROSE)
                      if (m.group(1), m.group(2)) not in works})
    assert not missing, f"cited in the prose but not in references.bib: {missing}"


def test_a_chapter_linked_from_a_sentence_reads_as_prose():
    # {doc}`05_adversarial_training` renders the chapter's whole title inside the
    # sentence ("...of Two networks in a contest: generative adversarial networks pits...")
    bare = re.findall(r"\{doc\}`(\d\d_\w+)`", PROSE)
    assert not bare, f"link these chapters with text of their own: {sorted(set(bare))}"


def test_the_benchmarks_the_prose_leans_on_are_linked():
    mentions = re.findall(r".{0,2}`benchmarks/README\.md`.{0,2}", PROSE)
    assert mentions
    assert all("[`benchmarks/README.md`](" in m for m in mentions), mentions
