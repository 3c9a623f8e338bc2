"""genlab.dashboard checks every argument before any work: the generator, judge, noise,
labels, real digits, every, grid, live and title of a Dashboard, and the arguments of
its methods, are refused with an error that names the argument; NumPy inputs accepted."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab.dashboard import Dashboard, figure_bytes
from genlab.models.cnn import DigitCNN
from genlab.models.gan import Generator

torch.manual_seed(0)
DIGITS = torch.rand(8, 1, 28, 28)
NAN_DIGITS = DIGITS.clone()
NAN_DIGITS[0, 0, 0, 0] = float("nan")
NOISE = torch.randn(6, 8)
NAN_NOISE = NOISE.clone()
NAN_NOISE[1, 1] = float("nan")
LOGS = {"d_loss": 1.0, "g_loss": 1.0, "d_real": 0.5, "d_fake": 0.5}


def generator(classes=0):
    torch.manual_seed(0)
    return Generator(8, 4, classes)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"generator": "g"}, TypeError, "generator"),
    ({"generator": torch.nn.Linear(8, 4)}, TypeError, "generator"),  # no noise_dim
    ({"judge": "judge"}, TypeError, "judge"),
    ({"noise": NOISE[:, :4]}, ValueError, "noise"),                  # wrong size
    ({"noise": NOISE[0]}, ValueError, "noise"),                      # one vector
    ({"noise": NOISE[:0]}, ValueError, "noise"),                     # empty
    ({"noise": NAN_NOISE}, ValueError, "noise"),
    ({"noise": NOISE.long()}, TypeError, "noise"),
    ({"noise": [[0.0] * 8]}, TypeError, "noise"),
    ({"labels": torch.arange(6)}, ValueError, "labels"),             # unconditional
    ({"real": DIGITS * 255}, ValueError, "real"),
    ({"real": NAN_DIGITS}, ValueError, "real"),
    ({"real": DIGITS * 2 - 1}, ValueError, "real"),
    ({"real": DIGITS[:, 0]}, ValueError, "real"),
    ({"real": DIGITS[:0]}, ValueError, "real"),
    ({"every": 0}, ValueError, "every"), ({"every": -5}, ValueError, "every"),
    ({"every": 2.5}, TypeError, "every"), ({"every": "10"}, TypeError, "every"),
    ({"grid": 0}, ValueError, "grid"), ({"grid": 8.0}, TypeError, "grid"),
    ({"live": "yes"}, TypeError, "live"), ({"title": None}, TypeError, "title"),
    ({"critic": "yes"}, TypeError, "critic"),
])
def test_dashboard_refuses(kwargs, error, name):
    judge = DigitCNN(width=2, hidden=8)
    g = generator()
    g.train()
    arguments = {"generator": g, "judge": judge, "noise": NOISE, "real": DIGITS,
                 "live": False, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        Dashboard(**arguments)
    assert g.training and judge.training  # neither switched to eval by a refused call


@pytest.mark.parametrize("labels, error", [
    (torch.arange(5), ValueError), (torch.arange(6) + 5, ValueError),
    (torch.arange(6).float(), TypeError), ("0", TypeError)])
def test_conditional_dashboard_refuses_bad_labels(labels, error):
    with pytest.raises(error, match=r"^labels: expected"):
        Dashboard(generator(classes=10), noise=NOISE, labels=labels, live=False)


def test_dashboard_accepts_numpy_inputs():
    board = Dashboard(generator(classes=10), DigitCNN(width=2, hidden=8).eval(),
                      noise=NOISE.double().numpy(), labels=np.arange(6) % 10,
                      real=DIGITS.double().numpy(), every=np.int64(2), grid=np.int64(4),
                      live=False)
    assert board.every == 2 and board.grid == 4 and board.noise.dtype == torch.float32
    board(np.int64(1), LOGS)
    assert board.checkpoints == [1] and board.frames[0].shape == (4, 1, 28, 28)


@pytest.mark.parametrize("call, error, name", [
    (lambda b: b(0, LOGS), ValueError, "step"),
    (lambda b: b(1.5, LOGS), TypeError, "step"),
    (lambda b: b(1, {"d_loss": 1.0}), ValueError, "logs"),
    (lambda b: b.checkpoint(-1), ValueError, "step"),
    (lambda b: b.checkpoint("1"), TypeError, "step"),
    (lambda b: b.animation(interval=0), ValueError, "interval"),
    (lambda b: b.animation(interval=2.5), TypeError, "interval"),
    (lambda b: b.class_figure(ax="left"), TypeError, "ax"),
    (lambda b: figure_bytes("figure"), TypeError, "fig"),
])
def test_dashboard_methods_refuse(call, error, name):
    board = Dashboard(generator(), noise=NOISE, live=False, every=1)
    with pytest.raises(error, match=rf"^{name}: expected"):
        call(board)
    assert board.steps == [] and board.checkpoints == []  # nothing recorded


def test_figure_bytes_draws_a_figure():
    fig = plt.figure(figsize=(1, 1))
    assert figure_bytes(fig)[:4] == b"\x89PNG"
    plt.close(fig)
