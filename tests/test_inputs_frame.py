"""genlab.frame checks every argument before any work: a budget that would never end
or never start, a bad batch size, a non-callable function, something that is not a
model, all refused with an error that names the argument; NumPy inputs accepted."""

import numpy as np
import pytest
import torch
from torch import nn

from genlab.frame import (Budget, History, Steps, batched, evaluating, module_device,
                          on_device)


@pytest.mark.parametrize("kwargs, error, name", [
    ({}, ValueError, "steps"),                              # neither: never ends
    ({"steps": 0}, ValueError, "steps"),
    ({"steps": -3}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"steps": "10"}, TypeError, "steps"),
    ({"steps": True}, TypeError, "steps"),
    ({"seconds": float("inf")}, ValueError, "seconds"),     # trains forever
    ({"seconds": float("nan")}, ValueError, "seconds"),
    ({"seconds": 0}, ValueError, "seconds"),
    ({"seconds": -1.0}, ValueError, "seconds"),
    ({"seconds": "5"}, TypeError, "seconds"),
    ({"steps": 5, "cooldown": 1.0}, ValueError, "cooldown"),
    ({"steps": 5, "cooldown": -0.1}, ValueError, "cooldown"),
    ({"steps": 5, "cooldown": float("nan")}, ValueError, "cooldown"),
    ({"steps": 5, "cooldown": None}, TypeError, "cooldown"),
])
def test_budget_refuses(kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        Budget(**kwargs)


def test_budget_accepts_numpy_numbers():
    budget = Budget(np.int64(7), np.float32(2.5), np.float64(0.25))
    assert (budget.steps, budget.seconds, budget.cooldown) == (7, 2.5, 0.25)
    assert type(budget.steps) is int and type(budget.seconds) is float


@pytest.mark.parametrize("points, error", [(1, ValueError), (0, ValueError),
                                           (2.0, TypeError), ("5", TypeError)])
def test_thinned_refuses_bad_points(points, error):
    with pytest.raises(error, match=r"^points: expected"):
        History(loss=[1.0, 2.0, 3.0]).thinned(points)


def test_thinned_accepts_a_numpy_integer():
    assert len(History(loss=list(range(10))).thinned(np.int64(5))) == 5


def test_steps_needs_a_budget():
    with pytest.raises(TypeError, match=r"^budget: expected a genlab.frame.Budget"):
        Steps(100, [], desc="x")


MODEL = nn.Linear(3, 2)
X = torch.randn(7, 3)


@pytest.mark.parametrize("call, error, name", [
    (lambda: batched("f", MODEL, X), TypeError, "function"),
    (lambda: batched(MODEL, "model", X), TypeError, "model"),
    (lambda: batched(MODEL, MODEL), ValueError, "tensors"),                  # none
    (lambda: batched(MODEL, MODEL, X[:0]), ValueError, "tensors"),           # empty
    (lambda: batched(MODEL, MODEL, X, X[:3]), ValueError, "tensors"),        # lengths
    (lambda: batched(MODEL, MODEL, [[1.0, 2.0, 3.0]]), TypeError, r"tensors\[0\]"),
    (lambda: batched(MODEL, MODEL, torch.tensor(1.0)), ValueError, r"tensors\[0\]"),
    (lambda: batched(MODEL, MODEL, X, batch_size=0), ValueError, "batch_size"),
    (lambda: batched(MODEL, MODEL, X, batch_size=-4), ValueError, "batch_size"),
    (lambda: batched(MODEL, MODEL, X, batch_size=2.5), TypeError, "batch_size"),
    (lambda: module_device("model"), TypeError, "model"),
])
def test_batched_and_module_device_refuse(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call()


def test_batched_accepts_numpy_arrays_and_integers():
    model = nn.Linear(3, 2).train()
    out = batched(model, model, X.numpy(), batch_size=np.int64(3))
    assert torch.allclose(out, model(X).detach(), atol=1e-6) and model.training


@pytest.mark.parametrize("context", [evaluating, on_device])
def test_mode_and_device_helpers_need_models(context):
    model = nn.Linear(2, 2).train()
    with pytest.raises(TypeError, match=r"^models\[1\]: expected a torch.nn.Module"):
        with context(model, "not a model"):
            pass
    assert model.training  # refused before any model was switched
    with pytest.raises(TypeError, match=r"^model: expected a torch.nn.Module"):
        with context([model]):
            pass
