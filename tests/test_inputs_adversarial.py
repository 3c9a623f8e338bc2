"""genlab.adversarial checks every argument before any work: bad digits and labels,
every knob of train_gan, its budget and its hooks are refused with an error that names
the argument, before a model is moved or switched to training; NumPy inputs accepted."""

import numpy as np
import pytest
import torch

from genlab.adversarial import (AveragedGenerator, critic_loss, discriminator_loss,
                                generator_loss, gradient_penalty, shift_images, train_gan)
from genlab.models.gan import Discriminator, Generator

from bad_inputs import bad_digits, bad_labels, snapshot, unchanged, with_nan

torch.manual_seed(0)
DIGITS = torch.rand(16, 1, 28, 28)
LABELS = torch.arange(16) % 10
NAN_DIGITS = with_nan(DIGITS)
BAD_DIGITS = bad_digits(DIGITS)
BAD_LABELS = bad_labels(LABELS)

# (keyword, bad value, error): every knob of train_gan
BAD_KNOBS = [
    ("steps", 0, ValueError), ("steps", 1.5, TypeError), ("steps", None, ValueError),
    ("seconds", float("inf"), ValueError), ("seconds", 0, ValueError),
    ("seconds", "10", TypeError),
    ("batch_size", 0, ValueError), ("batch_size", 17, ValueError),  # > 16 digits
    ("batch_size", 8.0, TypeError),
    ("lr_g", 0, ValueError), ("lr_g", float("nan"), ValueError), ("lr_d", -1e-4, ValueError),
    ("lr_d", float("inf"), ValueError), ("lr_d", "2e-4", TypeError),
    ("betas", 0.5, TypeError), ("betas", (0.5,), TypeError), ("betas", (0.5, 1.0), ValueError),
    ("betas", (-0.1, 0.9), ValueError),
    ("d_steps", 0, ValueError), ("g_steps", 1.0, TypeError),
    ("loss", "hinge", ValueError), ("loss", None, ValueError),
    ("real_target", 0, ValueError), ("real_target", 1.5, ValueError),
    ("gp_weight", -1.0, ValueError), ("gp_weight", float("nan"), ValueError),
    ("gp_weight", float("inf"), ValueError), ("gp_weight", "10", TypeError),
    ("augment", -1, ValueError), ("augment", 30, ValueError), ("augment", 2.0, TypeError),
    ("cooldown", 1.0, ValueError), ("cooldown", -0.5, ValueError),
    ("mismatched", "no", TypeError), ("seed", -2, ValueError), ("seed", 0.5, TypeError),
    ("hooks", lambda step, logs: None, TypeError),   # one function, not a list
    ("hooks", [print, "plot"], TypeError),
    ("progress", 0, TypeError),
]


def players(classes=0):
    torch.manual_seed(0)
    return Generator(8, 4, classes), Discriminator(4, classes)


@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_train_gan_refuses_bad_images(images, error):
    g, d = players()
    g.train()
    before = snapshot(g, d)
    with pytest.raises(error, match=r"^images: expected"):
        train_gan(g, d, images, steps=1, progress=False)
    assert unchanged((g, d), before)


@pytest.mark.parametrize("labels, error", BAD_LABELS)
def test_train_gan_refuses_bad_labels(labels, error):
    g, d = players(classes=10)
    with pytest.raises(error, match=r"^labels: expected"):
        train_gan(g, d, DIGITS, labels, steps=1, batch_size=4, progress=False)


def test_train_gan_needs_labels_exactly_when_conditional():
    with pytest.raises(ValueError, match=r"^labels: expected 16 labels in 0\.\.9 \(this model is conditional"):
        train_gan(*players(classes=10), DIGITS, steps=1, progress=False)
    with pytest.raises(ValueError, match=r"^labels: expected None"):
        train_gan(*players(), DIGITS, LABELS, steps=1, progress=False)
    with pytest.raises(ValueError, match=r"^discriminator: expected classes=10"):
        train_gan(players(classes=10)[0], players()[1], DIGITS, LABELS, steps=1,
                  progress=False)


@pytest.mark.parametrize("keyword, value, error", BAD_KNOBS)
def test_train_gan_refuses_bad_knobs_before_the_first_step(keyword, value, error):
    g, d = players()
    d.train()
    before = snapshot(g, d)
    settings = {"steps": 1, "batch_size": 8, "progress": False, keyword: value}
    with pytest.raises(error, match=rf"^{keyword}(\[\d\])?: expected"):  # betas[0], hooks[1]
        train_gan(g, d, DIGITS, **settings)
    assert unchanged((g, d), before)


@pytest.mark.parametrize("call, error, name", [
    (lambda g, d: train_gan("g", d, DIGITS, steps=1), TypeError, "generator"),
    (lambda g, d: train_gan(torch.nn.Linear(2, 2), d, DIGITS, steps=1), TypeError,
     "generator"),
    (lambda g, d: train_gan(g, None, DIGITS, steps=1), TypeError, "discriminator"),
])
def test_train_gan_needs_two_players(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call(*players())


def test_train_gan_accepts_numpy_inputs_and_numbers():
    g, d = players(classes=10)
    history = train_gan(g, d, DIGITS.double().numpy(), LABELS.numpy(), steps=np.int64(2),
                        batch_size=np.int64(8), lr_g=np.float32(2e-4), d_steps=np.int64(1),
                        augment=np.int64(1), betas=[np.float64(0.5), 0.999],
                        seconds=np.float64(60), progress=False)
    assert len(history.d_loss) == 2 and np.isfinite(history.g_loss).all()


# --- the losses, shift_images, AveragedGenerator -------------------------------------------

@pytest.mark.parametrize("call, error, name", [
    (lambda: discriminator_loss([0.0], torch.zeros(3)), TypeError, "real_logits"),
    (lambda: discriminator_loss(torch.zeros(3), torch.zeros(3, dtype=torch.long)), TypeError,
     "fake_logits"),
    (lambda: discriminator_loss(torch.zeros(0), torch.zeros(3)), ValueError, "real_logits"),
    (lambda: discriminator_loss(torch.zeros(3), torch.zeros(3), 0.0), ValueError,
     "real_target"),
    (lambda: discriminator_loss(torch.zeros(3), torch.zeros(3), 1.1), ValueError,
     "real_target"),
    (lambda: generator_loss("logits"), TypeError, "fake_logits"),
    (lambda: generator_loss(torch.zeros(3), "hinge"), ValueError, "kind"),
])
def test_losses_refuse(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call()


@pytest.mark.parametrize("kwargs, error, name", [
    ({"critic": "critic"}, TypeError, "critic"),
    ({"real": DIGITS * 3 - 1}, ValueError, "real"),    # up to 2: outside [-1, 1]
    ({"real": NAN_DIGITS * 2 - 1}, ValueError, "real"),
    ({"fake": (DIGITS * 2 - 1)[:, 0]}, ValueError, "fake"),
    ({"fake": (DIGITS * 2 - 1)[:8]}, ValueError, "fake"),  # not real's shape
    ({"labels": LABELS}, ValueError, "labels"),         # an unconditional critic
    ({"generator": 3}, TypeError, "generator"),
])
def test_gradient_penalty_refuses(kwargs, error, name):
    arguments = {"critic": Discriminator(4, batch_norm=False), "real": DIGITS * 2 - 1,
                 "fake": torch.rand(16, 1, 28, 28) * 2 - 1, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        gradient_penalty(**arguments)


def test_gradient_penalty_needs_labels_for_a_conditional_critic():
    critic = Discriminator(4, classes=10, batch_norm=False)
    signed = DIGITS * 2 - 1
    with pytest.raises(ValueError, match=r"^labels: expected 16 labels"):
        gradient_penalty(critic, signed, signed.flip(0))
    assert gradient_penalty(critic, signed, signed.flip(0), LABELS.numpy()).ndim == 0


@pytest.mark.parametrize("call, name", [
    (lambda: critic_loss([1.0], torch.zeros(3)), "real_scores"),
    (lambda: critic_loss(torch.zeros(3), torch.zeros(0)), "fake_scores"),
])
def test_critic_loss_refuses(call, name):
    with pytest.raises((TypeError, ValueError), match=rf"^{name}: expected"):
        call()


def test_wasserstein_refusals_come_before_the_first_step():
    g, d = players()  # a discriminator with batch norm: no critic
    d.train()
    before = snapshot(g, d)
    with pytest.raises(ValueError, match=r"^discriminator: expected a critic without"):
        train_gan(g, d, DIGITS, steps=1, batch_size=8, loss="wasserstein", progress=False)
    with pytest.raises(ValueError, match=r"^real_target: expected 1.0"):
        train_gan(g, d, DIGITS, steps=1, batch_size=8, loss="wasserstein",
                  real_target=0.9, progress=False)
    assert unchanged((g, d), before)


def test_losses_accept_numpy_and_float64():
    logits = np.zeros(4)
    assert discriminator_loss(logits, logits, np.float64(0.9)).dtype == torch.float32
    assert generator_loss(logits).item() == pytest.approx(0.6931, rel=1e-3)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"images": DIGITS[:, 0]}, ValueError, "images"),
    ({"images": NAN_DIGITS}, ValueError, "images"),
    ({"images": DIGITS * 255}, ValueError, "images"),
    ({"max_shift": -1}, ValueError, "max_shift"),
    ({"max_shift": 1.5}, TypeError, "max_shift"),
    ({"max_shift": 40}, ValueError, "max_shift"),
    ({"generator": None}, TypeError, "generator"),
    ({"generator": 7}, TypeError, "generator"),
])
def test_shift_images_refuses(kwargs, error, name):
    arguments = {"images": DIGITS * 2 - 1, "max_shift": 2,
                 "generator": torch.Generator().manual_seed(0), **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        shift_images(**arguments)


def test_shift_images_accepts_numpy():
    out = shift_images((DIGITS * 2 - 1).numpy(), np.int64(2), torch.Generator().manual_seed(0))
    assert out.shape == DIGITS.shape


@pytest.mark.parametrize("generator, decay, error, name", [
    ("g", 0.9, TypeError, "generator"),
    (None, 1.0, ValueError, "decay"), (None, 0.0, ValueError, "decay"),
    (None, float("nan"), ValueError, "decay"), (None, "0.9", TypeError, "decay"),
])
def test_averaged_generator_refuses(generator, decay, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        AveragedGenerator(players()[0] if generator is None else generator, decay)


def test_averaged_generator_accepts_a_numpy_decay():
    assert AveragedGenerator(players()[0], np.float32(0.5)).decay == 0.5
