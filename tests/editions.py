"""The book's two editions, in one place for the tests: where each is built (its folder
under ``_build/html``: ``""`` for English, ``"ko/"`` for Korean; see the Makefile's
``html`` target), where its sources are, the pages its ``_toc.yml`` lists, and genlab's
Korean catalogue of the words it shows."""

import functools
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"": ROOT, "ko/": ROOT / "ko"}  # built folder: source folder


def toc_files(prefix: str = "") -> list[str]:
    """The pages an edition's ``_toc.yml`` lists, in reading order, as ``book/NAME``."""
    toc = yaml.safe_load((EDITIONS[prefix] / "_toc.yml").read_text())
    return [toc["root"]] + [chapter["file"] for part in toc.get("parts", [])
                            for chapter in part["chapters"]]


KOREAN_CATALOGUE = ROOT / "genlab" / "locale" / "ko" / "LC_MESSAGES" / "genlab.po"


@functools.cache
def korean_catalogue() -> dict[str, str]:
    """genlab's words, English → Korean, as the catalogue's source file holds them (read
    once per test run; do not change the dict)."""
    with KOREAN_CATALOGUE.open("rb") as file:
        return {m.id: m.string for m in read_po(file) if m.id}
