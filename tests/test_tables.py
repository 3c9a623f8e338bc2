"""Score tables: shown as tables (Markdown), every measure written one way, bad rows refused."""

import math

import pytest

from genlab.tables import HEADERS, ScoreTable, cell

SCORES = {"confidence": 0.98765, "effective classes": 9.876, "Fréchet distance": 53.72,
          "precision": 0.6364, "recall": 0.913}


def test_a_table_shows_as_markdown_with_every_row_and_column():
    table = ScoreTable({"real digits": SCORES, "GAN": {**SCORES, "recall": float("nan")}},
                       label="model")
    lines = table._repr_markdown_().splitlines()
    assert len(lines) == 4 and str(table) == repr(table) == table.markdown()
    assert lines[0] == "| model | " + " | ".join(HEADERS.get(k, k) for k in SCORES) + " |"
    assert lines[1] == "|---|" + "---:|" * 5
    assert lines[2] == "| real digits | 0.988 | 9.88 | 53.7 | 0.64 | 0.91 |"
    assert lines[3].endswith("| 0.64 |  |")  # NaN: not applicable, left blank


def test_columns_choose_and_order_the_measures():
    table = ScoreTable({"8 steps": {**SCORES, "ms per digit": 9.149, "drawn": object()}},
                       ["ms per digit", "Fréchet distance"])
    assert table.markdown().splitlines()[2] == "| 8 steps | 9.15 | 53.7 |"


def test_each_measure_is_written_one_way():
    assert cell("Fréchet distance", 1785.04) == "1785.0"
    assert cell("training steps", 5000) == "5,000"
    assert cell("anything else", 0.000123456) == "0.000123"
    assert cell("recall", None) == "" and cell("recall", math.nan) == ""
    assert cell("generator", "a | b") == "a \\| b"  # a pipe would split the row


@pytest.mark.parametrize("rows, columns, error, says", [
    ([SCORES], None, TypeError, "^rows: expected a dict of rows"),
    ({}, None, ValueError, "^rows: expected at least one row, found an empty dict"),
    ({"GAN": 0.5}, None, TypeError, r"^rows\['GAN'\]: expected a dict of measures, found float"),
    ({"GAN": SCORES}, ["recall", "ms per digit"], ValueError,
     r"^rows\['GAN'\]: expected a dict of measures with .*found one without 'ms per digit'"),
    ({"GAN": SCORES}, "recall", TypeError, "^columns: expected a list of measure names"),
    ({"GAN": SCORES}, [], TypeError, "^columns: expected a list of measure names")])
def test_bad_rows_or_columns_are_refused_clearly(rows, columns, error, says):
    with pytest.raises(error, match=says):
        ScoreTable(rows, columns)


def test_a_label_must_be_text():
    with pytest.raises(TypeError, match="^label: expected a string, found int"):
        ScoreTable({"GAN": SCORES}, label=3)
