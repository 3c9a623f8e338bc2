"""The frame every training loop shares: budgets, the finite-loss check, eval mode that
is given back, batched evaluation, and the device every loop asks for."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from genlab import diffusion
from genlab.adversarial import train_gan
from genlab.data import load_digits
from genlab.frame import (Budget, History, Steps, TrainingDiverged, batched, check_losses,
                          evaluating, on_device)
from genlab.models.cnn import DigitCNN
from genlab.models.gan import Discriminator, Generator
from genlab.models.unet import DenoisingUNet
from genlab.training import fit_autoencoder, fit_classifier


def test_a_budget_ends_by_steps_or_seconds_and_cools_down():
    budget = Budget(steps=100, cooldown=0.25)
    assert not budget.over(99, 1e6 - 1) and budget.over(100, 0.0)
    assert budget.lr_scale(0, 0) == 1.0 and budget.lr_scale(75, 0) == 1.0
    assert budget.lr_scale(90, 0) == pytest.approx(0.4) and budget.lr_scale(100, 0) == 0
    timed = Budget(seconds=10.0, steps=1000)
    assert timed.over(5, 10.0) and timed.fraction(500, 2.0) == 0.5
    assert Budget(steps=np.int64(5)).steps == 5 and type(Budget(steps=np.int64(5)).steps) is int


def test_steps_sets_each_groups_rate_with_its_own_factor():
    weights = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
    optimiser = torch.optim.Adam([{"params": weights[:1]},
                                  {"params": weights[1:], "lr_factor": 0.1}], lr=1.0)
    rates = []
    for step in Steps(Budget(steps=10, cooldown=0.5), [(optimiser, 2.0)], desc="x",
                      progress=False):
        rates.append([group["lr"] for group in optimiser.param_groups])
    assert rates[0] == [2.0, pytest.approx(0.2)]
    assert rates[7] == [pytest.approx(2.0 * 0.6), pytest.approx(0.2 * 0.6)]  # cooling


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "^steps: expected steps, seconds or both, found neither.*never ends"),
    ({"steps": 0}, ValueError, "^steps: expected a whole number at least 1, found 0"),
    ({"steps": 2.5}, TypeError, "^steps: expected a whole number"),
    ({"steps": True}, TypeError, "^steps: expected a whole number"),
    ({"seconds": float("inf")}, ValueError, "^seconds: expected a finite number above 0, "
                                            "found inf"),
    ({"seconds": -1}, ValueError, "^seconds: expected a finite number above 0"),
    ({"steps": 5, "cooldown": 1.0}, ValueError, r"^cooldown: expected a finite number at "
                                                r"least 0 and below 1, found 1.0"),
])
def test_a_budget_refuses_what_would_never_end_or_never_start(kwargs, error, message):
    # (messages from genlab.checks: the one place for these checks)
    with pytest.raises(error, match=message):
        Budget(**kwargs)


def test_check_losses_names_the_loss_the_step_and_the_advice():
    check_losses(3, {"loss": 1.0}, "never shown")
    with pytest.raises(TrainingDiverged, match=r"g_loss became nan at step 7\. Lower it"):
        check_losses(7, {"d_loss": 0.5, "g_loss": math.nan}, "Lower it.")
    assert issubclass(TrainingDiverged, FloatingPointError)


def test_the_epoch_loop_stops_at_the_first_non_finite_loss():
    images, labels = load_digits("train")
    with pytest.raises(TrainingDiverged, match=r"loss became .* at step \d+\. Lower the "
                       "learning rate"):
        fit_classifier(DigitCNN(), (images[:256], labels[:256]), lr=1e30, epochs=5,
                       progress=False)


def test_evaluating_gives_each_model_its_own_mode_back_even_after_an_error():
    a, b = nn.Linear(2, 2).train(), nn.Linear(2, 2).eval()
    with pytest.raises(RuntimeError):
        with evaluating(a, b):
            assert not a.training and not b.training
            raise RuntimeError("inside")
    assert a.training and not b.training


def test_batched_concatenates_without_gradients_and_keeps_the_mode():
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5)).train()
    x = torch.randn(1001, 3)
    out = batched(lambda v: model(v), model, x, batch_size=100)
    assert out.shape == (1001, 4) and not out.requires_grad
    assert torch.allclose(out, model.eval()(x).detach(), atol=1e-6)  # dropout was off
    model.train()
    first, second = batched(lambda v: (v.sum(1), v * 2), model, x, batch_size=300)
    assert first.shape == (1001,) and second.shape == (1001, 3) and model.training
    with pytest.raises(ValueError, match="empty batch"):
        batched(model, model, x[:0])


def test_on_device_puts_the_model_back_where_it_was():
    model = nn.Linear(2, 2)
    with on_device(model, device="cpu") as device:
        assert device == torch.device("cpu")
    assert next(model.parameters()).device == torch.device("cpu")


def test_history_thins_long_runs_into_means_of_even_shares():
    history = History(loss=list(range(1000)), seconds=[i / 10 for i in range(1000)])
    thin = history.thinned(50)
    assert len(thin) == 50 and thin.loss[0] == sum(range(20)) / 20 == 9.5
    assert thin.steps[0] == 20 and thin.steps[-1] == 1000  # where each share ends
    assert thin.seconds[-1] == 99.9  # the time at the end of the share, not a mean
    assert thin.loss[-1] == sum(range(980, 1000)) / 20
    short = History(loss=[1, 2]).thinned(50)
    assert short.loss == [1, 2] and short.steps == [1, 2]
    epochs = History(test_mse=[0.3, 0.2, 0.1], steps=[62, 124, 186])
    assert epochs.step_numbers() == [62, 124, 186]
    assert epochs.thinned(2).steps == [124, 186]
    assert epochs.thinned(2).test_mse == pytest.approx([0.25, 0.1])
    with pytest.raises(ValueError, match="^points: expected a whole number at least 2"):
        epochs.thinned(1)


class _Identity(nn.Module):
    """The smallest autoencoder: it has a training loss (fit_autoencoder checks that)."""

    def forward(self, x):
        return x

    def training_loss(self, x):
        return (self(x) - x).pow(2).mean(), {}


def test_every_loop_and_sampler_asks_pick_device(monkeypatch):
    """GENLAB_DEVICE reaches every training loop and the sampler: each asks
    pick_device() where to run (and so uses a GPU when there is one)."""
    monkeypatch.setenv("GENLAB_DEVICE", "tpu")
    images, labels = load_digits("train")
    images, labels = images[:64], labels[:64]
    calls = [lambda: fit_classifier(DigitCNN(), (images, labels), batch_size=32, progress=False),
             lambda: fit_autoencoder(_Identity(), images, batch_size=32, progress=False),
             lambda: train_gan(Generator(8, 8), Discriminator(8), images, steps=1,
                               progress=False),
             lambda: diffusion.train_diffusion(DenoisingUNet((8, 8), classes=0), images,
                                               steps=1, progress=False),
             lambda: diffusion.sample(DenoisingUNet((8, 8), classes=0), 2, 1)]
    for call in calls:
        with pytest.raises(ValueError, match="GENLAB_DEVICE.*'tpu'"):
            call()
