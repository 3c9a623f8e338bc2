"""genlab.diffusion checks every argument before any work: bad digits, noise, noise
levels and labels, the sampler's n, steps, guidance and keep, and every setting of
train_diffusion are refused with an error that names the argument, before the model is
moved or switched; NumPy inputs are accepted."""

import numpy as np
import pytest
import torch

from genlab import diffusion
from genlab.models.unet import DenoisingUNet

from bad_inputs import bad_digits, bad_labels, snapshot, unchanged, with_nan

torch.manual_seed(0)
DIGITS = torch.rand(16, 1, 28, 28)
SIGNED = DIGITS * 2 - 1
LABELS = torch.arange(16) % 10
NAN_DIGITS = with_nan(DIGITS)
BAD_DIGITS = bad_digits(DIGITS)
BAD_LABELS = bad_labels(LABELS)



def denoiser(classes=0):
    torch.manual_seed(0)
    return DenoisingUNet((8, 8), classes=classes)


# --- train_diffusion ------------------------------------------------------------------

@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_train_diffusion_refuses_bad_images(images, error):
    model = denoiser().train()
    before = snapshot(model)
    with pytest.raises(error, match=r"^images: expected"):
        diffusion.train_diffusion(model, images, steps=1, progress=False)
    assert unchanged(model, before)


@pytest.mark.parametrize("labels, error", BAD_LABELS + [(None, ValueError)])
def test_train_diffusion_refuses_bad_labels(labels, error):
    with pytest.raises(error, match=r"^labels: expected"):
        diffusion.train_diffusion(denoiser(classes=10), DIGITS, labels, steps=1,
                                  progress=False)


def test_train_diffusion_refuses_labels_for_an_unconditional_denoiser():
    with pytest.raises(ValueError, match=r"^labels: expected None"):
        diffusion.train_diffusion(denoiser(), DIGITS, LABELS, steps=1, progress=False)


@pytest.mark.parametrize("keyword, value, error", [
    ("steps", 0, ValueError), ("steps", 2.5, TypeError), ("steps", None, ValueError),
    ("seconds", float("inf"), ValueError), ("seconds", -1, ValueError),
    ("batch_size", 0, ValueError), ("batch_size", 17, ValueError),
    ("batch_size", 4.0, TypeError),
    ("lr", 0, ValueError), ("lr", float("nan"), ValueError), ("lr", "1e-3", TypeError),
    ("ema_decay", 1.0, ValueError), ("ema_decay", 0.0, ValueError),
    ("cooldown", 1.0, ValueError), ("label_dropout", 1.0, ValueError),
    ("label_dropout", -0.1, ValueError), ("label_dropout", float("nan"), ValueError),
    ("seed", -1, ValueError), ("progress", "no", TypeError),
])
def test_train_diffusion_refuses_bad_settings(keyword, value, error):
    model = denoiser(classes=10).eval()
    before = snapshot(model)
    settings = {"steps": 1, "batch_size": 8, "progress": False, keyword: value}
    with pytest.raises(error, match=rf"^{keyword}: expected"):
        diffusion.train_diffusion(model, DIGITS, LABELS, **settings)
    assert unchanged(model, before)


def test_train_diffusion_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match=r"^model: expected a torch.nn.Module"):
        diffusion.train_diffusion("unet", DIGITS, steps=1, progress=False)


def test_train_diffusion_accepts_numpy_inputs_and_numbers():
    averaged, history = diffusion.train_diffusion(
        denoiser(classes=10), DIGITS.double().numpy(), LABELS.numpy(), steps=np.int64(2),
        batch_size=np.int64(8), lr=np.float32(1e-3), label_dropout=np.float64(0.2),
        seed=np.int64(3), progress=False)
    assert len(history.loss) == 2 and np.isfinite(history.loss).all()


# --- sample ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, name", [
    ({"n": 0}, ValueError, "n"), ({"n": 2.0}, TypeError, "n"), ({"n": "4"}, TypeError, "n"),
    ({"steps": 0}, ValueError, "steps"), ({"steps": 1.5}, TypeError, "steps"),
    ({"generator": 1}, TypeError, "generator"),
    ({"guidance": -1.0}, ValueError, "guidance"),
    ({"guidance": float("inf")}, ValueError, "guidance"),
    ({"guidance": float("nan")}, ValueError, "guidance"),
    ({"guidance": "2"}, TypeError, "guidance"),
    ({"labels": torch.tensor([1, 2])}, ValueError, "labels"),       # 2 labels for 3
    ({"labels": torch.tensor([1, 2, 12])}, ValueError, "labels"),
    ({"labels": torch.tensor([1.0, 2.0, 3.0])}, TypeError, "labels"),
    ({"keep": [5]}, ValueError, r"keep\[0\]"),
    ({"keep": [0, -1]}, ValueError, r"keep\[1\]"),
    ({"keep": [1.5]}, TypeError, r"keep\[0\]"),
    ({"keep": 2}, TypeError, "keep"),
])
def test_sample_refuses(kwargs, error, name):
    model = denoiser(classes=10).train()
    before = snapshot(model)
    arguments = {"n": 3, "steps": 2, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        diffusion.sample(model, **arguments)
    assert unchanged(model, before)


@pytest.mark.parametrize("kwargs, name", [({"labels": torch.tensor([1, 2, 3])}, "labels"),
                                          ({"guidance": 2.0}, "guidance")])
def test_sample_refuses_labels_and_guidance_for_an_unconditional_denoiser(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}: expected None.*conditional denoiser"):
        diffusion.sample(denoiser(), 3, 2, **kwargs)


def test_sample_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match=r"^model: expected"):
        diffusion.sample(None, 3, 2)


def test_sample_accepts_numpy_numbers_and_labels():
    model = denoiser(classes=10)
    digits, kept = diffusion.sample(model, np.int64(3), np.int32(2),
                                    torch.Generator().manual_seed(0),
                                    labels=np.array([1, 2, 3]), guidance=np.float64(1.5),
                                    keep=[np.int64(0), 2])
    assert digits.shape == (3, 1, 28, 28) and len(kept) == 2


# --- the forward process and the training signal -----------------------------------------

@pytest.mark.parametrize("kwargs, error, name", [
    ({"x0": DIGITS[:, 0]}, ValueError, "x0"),
    ({"x0": SIGNED * 255}, ValueError, "x0"),
    ({"x0": NAN_DIGITS}, ValueError, "x0"),
    ({"noise": torch.randn(15, 1, 28, 28)}, ValueError, "noise"),
    ({"noise": torch.full((16, 1, 28, 28), float("inf"))}, ValueError, "noise"),
    ({"t": 1.5}, ValueError, "t"), ({"t": -0.1}, ValueError, "t"),
    ({"t": float("nan")}, ValueError, "t"),
    ({"t": torch.rand(3)}, ValueError, "t"),
    ({"t": torch.tensor([0.5] * 15 + [float("nan")])}, ValueError, "t"),
    ({"t": torch.full((16,), 2.0)}, ValueError, "t"),
    ({"t": torch.ones(16, dtype=torch.long)}, TypeError, "t"),
    ({"t": "0.5"}, TypeError, "t"),
])
def test_add_noise_refuses(kwargs, error, name):
    arguments = {"x0": SIGNED, "noise": torch.randn(16, 1, 28, 28), "t": 0.5, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        diffusion.add_noise(**arguments)


def test_add_noise_accepts_numpy():
    noisy = diffusion.add_noise(SIGNED.double().numpy(), np.zeros((16, 1, 28, 28)),
                                np.float64(0.5))
    assert torch.allclose(noisy, SIGNED / 2)
    per_image = diffusion.add_noise(SIGNED, torch.zeros(16, 1, 28, 28), np.full(16, 0.5))
    assert torch.allclose(per_image, SIGNED / 2)


@pytest.mark.parametrize("call, error, name", [
    (lambda: diffusion.noise_levels(0), ValueError, "n"),
    (lambda: diffusion.noise_levels(2.0), TypeError, "n"),
    (lambda: diffusion.noise_levels(3, "seed"), TypeError, "generator"),
    (lambda: diffusion.hide_labels(LABELS.float(), 0.1), TypeError, "labels"),
    (lambda: diffusion.hide_labels(LABELS + 5, 0.1), ValueError, "labels"),
    (lambda: diffusion.hide_labels(LABELS, 1.5), ValueError, "share"),
    (lambda: diffusion.hide_labels(LABELS, float("nan")), ValueError, "share"),
    (lambda: diffusion.velocity_loss("model", SIGNED), TypeError, "model"),
    (lambda: diffusion.velocity_loss(denoiser(), DIGITS * 255), ValueError, "x0"),
    (lambda: diffusion.velocity_loss(denoiser(), SIGNED, 3), TypeError, "generator"),
    (lambda: diffusion.velocity_loss(denoiser(), SIGNED, None, LABELS), ValueError,
     "labels"),                                                    # unconditional
    (lambda: diffusion.velocity_loss(denoiser(10), SIGNED, None, LABELS[:3]), ValueError,
     "labels"),
])
def test_noise_levels_hide_labels_velocity_loss_refuse(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call()


def test_noise_levels_hide_labels_velocity_loss_accept_numpy():
    assert diffusion.noise_levels(np.int64(4)).shape == (4,)
    assert diffusion.hide_labels(LABELS.numpy(), np.float64(0.0)).tolist() == LABELS.tolist()
    loss = diffusion.velocity_loss(denoiser(10), SIGNED.numpy(), None, LABELS.numpy())
    assert torch.isfinite(loss)
