"""The book's two editions, in one place for the tests: where each is built (its folder
under ``_build/html``: ``""`` for English, ``"ko/"`` for Korean; see the Makefile's
``html`` target), where its sources are, and the pages its ``_toc.yml`` lists."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"": ROOT, "ko/": ROOT / "ko"}  # built folder: source folder


def toc_files(prefix: str = "") -> list[str]:
    """The pages an edition's ``_toc.yml`` lists, in reading order, as ``book/NAME``."""
    toc = yaml.safe_load((EDITIONS[prefix] / "_toc.yml").read_text())
    return [toc["root"]] + [chapter["file"] for part in toc.get("parts", [])
                            for chapter in part["chapters"]]
