"""Tables of scores, shown as tables.

A table printed as fixed-width text is cut at the right of the book's column (and of a
phone's screen), hiding the columns the prose goes on to discuss. :class:`ScoreTable`
shows as a Markdown table instead — in Jupyter, in Colab and in the rendered book, which
lay it out to the page — and prints as the same Markdown text. One place for how every
measure is written (:data:`FORMATS`) and what its column is called (:data:`HEADERS`, in
the reader's language: see :mod:`genlab.language`). Measures are named in English.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from .checks import check_mapping, check_names, summary
from .language import N_, tr

FORMATS = {N_("confidence"): ".3f", N_("effective classes"): ".2f",
           N_("Fréchet distance"): ".1f", N_("precision"): ".2f", N_("recall"): ".2f",
           N_("training s"): ".0f", N_("training steps"): ",.0f",
           N_("ms per digit"): ".2f"}
"""How each measure is written; any other number with three significant digits."""

HEADERS = {"confidence": N_("confi\u00addence"), "effective classes": N_("eff. classes"),
           "Fréchet distance": N_("Fréchet"), "precision": N_("preci\u00adsion"),
           "training s": N_("train s")}
"""Short column headers, with soft hyphens (U+00AD) where a word may break."""


def cell(measure: str, value: Any) -> str:
    """``value`` written as :data:`FORMATS` says for ``measure`` (NaN or ``None``: blank,
    "not applicable"; text as it is)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return format(value, FORMATS.get(measure, ".3g"))
    return str(value).replace("|", "\\|")


class ScoreTable:
    """Rows of measures (``{row name: {measure: value}}``) in the given ``columns``
    (default: every measure of the first row), under a first column headed ``label``."""

    def __init__(self, rows: Mapping[str, Mapping[str, Any]],
                 columns: Sequence[str] | None = None, *, label: str = ""):
        if columns is not None:
            columns = check_names(columns, "columns", "measure names")
        check_mapping(rows, "rows", what="a dict of rows ({name: {measure: value}})")
        if not rows:
            raise ValueError("rows: expected at least one row, found an empty dict")
        for name, row in rows.items():
            check_mapping(row, f"rows[{name!r}]", columns or (),
                          what="a dict of measures")
        if columns is None:
            columns = list(next(iter(rows.values())))
        if not isinstance(label, str):
            raise TypeError(f"label: expected a string, found {summary(label)}")
        self.rows, self.columns, self.label = dict(rows), list(columns), label

    def markdown(self) -> str:
        """The table as Markdown text."""
        lines = ["| " + " | ".join([self.label] + [tr(HEADERS.get(c, c)) for c in self.columns])
                 + " |",
                 "|---|" + "---:|" * len(self.columns)]
        lines += ["| " + " | ".join([str(name)] + [cell(c, row.get(c))
                                                   for c in self.columns]) + " |"
                  for name, row in self.rows.items()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    __str__ = markdown

    def __repr__(self) -> str:
        return self.markdown()
