"""genlab.yardstick checks every argument before any work (before a model is loaded or
a digit drawn): bad inputs of every kind are refused with an error that names the
argument; NumPy inputs are accepted; a single row makes a samples figure."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab import pretrained, yardstick
from genlab.models.cnn import DigitCNN

torch.manual_seed(0)
REAL = torch.rand(8, 1, 28, 28)
NAN_REAL = REAL.clone()
NAN_REAL[0, 0, 0, 0] = float("nan")


@pytest.fixture(scope="module")
def judge():
    return DigitCNN().eval()


@pytest.fixture(autouse=True)
def nothing_loads(monkeypatch):
    """Any model the yardstick loads is a failure: these calls must stop before."""
    def never(*args, **kwargs):
        raise AssertionError("a model was loaded before the arguments were checked")

    monkeypatch.setattr(pretrained, "load_with_meta", never)
    yield
    plt.close("all")


def row(name, baseline=False):
    numbers = dict(zip(yardstick.COLUMNS, [0.9, 8.0, 30.0, 0.7, 0.6, 100.0, 0.5]))
    if baseline:
        numbers.update({"training s": math.nan, "ms per digit": math.nan})
    return {"generator": name, **numbers, "training steps": 10,
            "samples": torch.rand(20, 1, 28, 28)}


ROWS = [row("real", baseline=True), row("a"), row("b")]


@pytest.mark.parametrize("args, error, name", [
    ((5, "entry"), TypeError, "name"), (("name", None), TypeError, "entry"),
    (("name", "entry", "draw"), TypeError, "draw")])
def test_contender_fields(args, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        yardstick.Contender(*args)


@pytest.mark.parametrize("args, error, name", [
    (("model", 3, None), TypeError, "model"), ((torch.nn.Identity(), 0, None), ValueError, "n"),
    ((torch.nn.Identity(), 2.5, None), TypeError, "n"),
    ((torch.nn.Identity(), 3, 7), TypeError, "rng")])
def test_contender_sample(args, error, name):
    contender = yardstick.Contender("c", "e", lambda model, n, rng: torch.rand(n, 1, 28, 28))
    with pytest.raises(error, match=rf"^{name}: expected"):
        contender.sample(*args)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"diffusion_steps": 0}, ValueError, "diffusion_steps"),
    ({"diffusion_steps": 2.5}, TypeError, "diffusion_steps"),
    ({"guidance": -1}, ValueError, "guidance"),
    ({"guidance": float("nan")}, ValueError, "guidance"),
    ({"guidance": "3"}, TypeError, "guidance")])
def test_contenders(kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        yardstick.contenders(**kwargs)


def test_contenders_accept_numpy_numbers():
    chosen = yardstick.contenders(np.int64(5), np.float32(1.5))
    assert chosen[-1].name == "diffusion, w = 1.5, 5 steps"


CONTENDER = yardstick.Contender("c", "e", lambda model, n, rng: torch.rand(n, 1, 28, 28))
BAD_MEASURES = [
    ({"judge": "judge"}, TypeError, "judge"),
    ({"judge": torch.nn.Linear(2, 2)}, TypeError, "judge"),
    ({"real": NAN_REAL}, ValueError, "real"),
    ({"real": REAL * 255}, ValueError, "real"),
    ({"real": REAL[:, 0]}, ValueError, "real"),
    ({"real": REAL[:3]}, ValueError, "real"),              # too few for precision and recall
    ({"n": 0}, ValueError, "n"), ({"n": 3}, ValueError, "n"), ({"n": 10.0}, TypeError, "n"),
    ({"seed": -1}, ValueError, "seed"), ({"seed": 0.5}, TypeError, "seed")]


@pytest.mark.parametrize("kwargs, error, name", BAD_MEASURES + [
    ({"contender": "VAE"}, TypeError, "contender")])
def test_measure_checks_before_loading(judge, kwargs, error, name):
    arguments = {"contender": CONTENDER, "judge": judge, "real": REAL, "n": 10, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        yardstick.measure(**arguments)


@pytest.mark.parametrize("kwargs, error, name", BAD_MEASURES + [
    ({"n": 10**6}, ValueError, "n"),
    ({"chosen": []}, ValueError, "chosen"), ({"chosen": ["VAE"]}, TypeError, "chosen"),
    ({"chosen": CONTENDER}, TypeError, "chosen"),
    ({"progress": "yes"}, TypeError, "progress")])
def test_measure_all_checks_before_loading(judge, kwargs, error, name):
    arguments = {"judge": judge, "real": REAL, "n": 10, "chosen": [CONTENDER],
                 "progress": False, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        yardstick.measure_all(**arguments)


def test_a_refused_measure_leaves_the_judge_as_it_was(judge):
    judge.train()
    before = [p.clone() for p in judge.parameters()]
    try:
        with pytest.raises(ValueError):
            yardstick.measure_all(judge, NAN_REAL, n=10, chosen=[CONTENDER], progress=False)
        assert judge.training
        assert all(torch.equal(a, b) for a, b in zip(before, judge.parameters()))
    finally:
        judge.eval()


def without(key, index=1):
    rows = [dict(r) for r in ROWS]
    del rows[index][key]
    return rows


@pytest.mark.parametrize("function", [yardstick.table, yardstick.figure, yardstick.leaders])
@pytest.mark.parametrize("rows, error, name", [
    ([], ValueError, "rows"), ("rows", TypeError, "rows"), (ROWS[0], TypeError, "rows"),
    ([ROWS[0], "a row"], TypeError, r"rows\[1\]"),
    (without("precision"), ValueError, r"rows\[1\]"),
    (without("generator", 0), ValueError, r"rows\[0\]"),
    ([ROWS[0], {**ROWS[1], "recall": "high"}], TypeError, r"rows\[1\]\['recall'\]"),
    ([ROWS[0], {**ROWS[1], "generator": 3}], TypeError, r"rows\[1\]\['generator'\]")])
def test_rows_are_checked(function, rows, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        function(rows)


@pytest.mark.parametrize("function", [yardstick.figure, yardstick.leaders])
@pytest.mark.parametrize("rows", [ROWS[:1], ROWS[1:]])  # no generator; no baseline first
def test_figure_and_leaders_need_the_baseline_and_a_generator(function, rows):
    with pytest.raises(ValueError, match=r"^rows: expected"):
        function(rows)


@pytest.mark.parametrize("rows, per_row, error, name", [
    ([], 5, ValueError, "rows"), (without("samples", 0), 5, ValueError, r"rows\[0\]"),
    ([{**ROWS[0], "samples": NAN_REAL}], 5, ValueError, r"rows\[0\]\['samples'\]"),
    ([{**ROWS[0], "samples": REAL * 255}], 5, ValueError, r"rows\[0\]\['samples'\]"),
    ([{**ROWS[0], "samples": REAL[:, 0]}], 5, ValueError, r"rows\[0\]\['samples'\]"),
    (ROWS, 0, ValueError, "per_row"), (ROWS, 2.5, TypeError, "per_row")])
def test_samples_figure_checks(rows, per_row, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        yardstick.samples_figure(rows, per_row)


def test_valid_rows_are_drawn_even_one_row():
    fig = yardstick.samples_figure(ROWS[:1], per_row=np.int64(4))
    assert [a.get_ylabel() for a in fig.axes] == ["real"]
    assert fig.axes[0].images[0].get_array().shape == (28, 4 * 28)
    assert len(yardstick.table(ROWS[:1]).splitlines()) == 3
    assert set(yardstick.leaders(ROWS).values()) <= {"a", "b"}
    assert len(yardstick.figure(tuple(ROWS)).axes) == 3
