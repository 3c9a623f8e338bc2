"""Compile genlab's Korean catalogue (genlab.po) into the genlab.mo that Python's gettext
reads — with Babel, as ``pybabel compile`` does, but without its printf-placeholder
check: genlab formats with ``str.format``, and Babel takes the "%" of "30% of the way"
for a ``% o`` placeholder. tests/test_language.py checks the ``{placeholders}`` instead.

Usage: python scripts/compile_catalogue.py   (make catalogue runs it)
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[1] / "genlab/locale/ko/LC_MESSAGES/genlab.po"

if __name__ == "__main__":
    with CATALOGUE.open("rb") as file:
        catalog = read_po(file)
    with CATALOGUE.with_suffix(".mo").open("wb") as file:
        write_mo(file, catalog)
    print(f"{CATALOGUE.with_suffix('.mo')}: {sum(1 for m in catalog if m.id)} words")
