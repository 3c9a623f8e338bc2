"""genlab.training checks every argument before any work: bad digits, labels, test
sets, counts and budgets are refused with an error that names the argument, before the
model is moved or switched to training; NumPy inputs (float64 too) are accepted."""

import numpy as np
import pytest
import torch
from torch import nn

from genlab.models.cnn import DigitCNN
from genlab.training import (confusion_matrix, evaluate, fit_autoencoder, fit_classifier,
                             jitter_digits, predict, reconstruction_error)

from bad_inputs import bad_digits, bad_labels, snapshot, unchanged, with_nan

torch.manual_seed(0)
DIGITS = torch.rand(32, 1, 28, 28)
LABELS = torch.arange(32) % 10
NAN_DIGITS = with_nan(DIGITS)
BAD_DIGITS = bad_digits(DIGITS)

BAD_LABELS = bad_labels(LABELS) + [(LABELS[:, None], ValueError)]  # shaped (N, 1)
# (keyword, bad value, error) for the settings both fit_ functions share
BAD_SETTINGS = [
    ("epochs", 0, ValueError), ("epochs", 2.5, TypeError),
    ("batch_size", 0, ValueError), ("batch_size", 64, ValueError),  # 64 > 32 digits
    ("batch_size", 8.0, TypeError),
    ("lr", 0.0, ValueError), ("lr", float("inf"), ValueError), ("lr", "fast", TypeError),
    ("weight_decay", -1.0, ValueError), ("weight_decay", float("nan"), ValueError),
    ("augment", "yes", TypeError), ("seed", -1, ValueError), ("seed", 1.5, TypeError),
    ("steps", 0, ValueError), ("steps", 2.0, TypeError),
    ("max_seconds", float("inf"), ValueError), ("max_seconds", 0, ValueError),
    ("max_seconds", -1, ValueError), ("progress", None, TypeError),
]


class TinyAutoencoder(nn.Module):
    """Eight numbers of code: enough to test the plumbing, fast to train."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 8), nn.Linear(8, 784),
                                 nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))

    def forward(self, x):
        return self.net(x)

    def training_loss(self, x):
        loss = (self(x) - x).pow(2).mean()
        return loss, {"mse": loss.item()}


def tiny_classifier():
    torch.manual_seed(0)
    return DigitCNN(width=2, hidden=8)


# --- fit_classifier -------------------------------------------------------------------

@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_fit_classifier_refuses_bad_training_images(images, error):
    model = tiny_classifier().train()
    before = snapshot(model)
    with pytest.raises(error, match=r"^train\[0\]: expected"):
        fit_classifier(model, (images, LABELS), steps=1, progress=False)
    assert unchanged(model, before)


@pytest.mark.parametrize("labels, error", BAD_LABELS)
def test_fit_classifier_refuses_bad_labels(labels, error):
    with pytest.raises(error, match=r"^train\[1\]: expected"):
        fit_classifier(tiny_classifier(), (DIGITS, labels), steps=1, progress=False)


@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_fit_classifier_checks_the_test_set_before_the_first_step(images, error):
    model = tiny_classifier().eval()
    before = snapshot(model)
    with pytest.raises(error, match=r"^test\[0\]: expected"):
        fit_classifier(model, (DIGITS, LABELS), (images, LABELS), steps=1, progress=False)
    assert unchanged(model, before)  # not one step taken


@pytest.mark.parametrize("labels, error", BAD_LABELS)
def test_fit_classifier_checks_the_test_labels_before_the_first_step(labels, error):
    model = tiny_classifier()
    before = snapshot(model)
    with pytest.raises(error, match=r"^test\[1\]: expected"):
        fit_classifier(model, (DIGITS, LABELS), (DIGITS, labels), steps=1, progress=False)
    assert unchanged(model, before)


@pytest.mark.parametrize("train, name", [(DIGITS, "train"), ((DIGITS,), "train"),
                                         ((DIGITS, LABELS, LABELS), "train")])
def test_fit_classifier_needs_a_pair(train, name):
    with pytest.raises(TypeError, match=rf"^{name}: expected a pair"):
        fit_classifier(tiny_classifier(), train, progress=False)


@pytest.mark.parametrize("keyword, value, error", BAD_SETTINGS + [
    ("label_smoothing", 1.0, ValueError), ("label_smoothing", -0.1, ValueError)])
def test_fit_classifier_refuses_bad_settings(keyword, value, error):
    model = tiny_classifier().train()
    before = snapshot(model)
    settings = {"steps": 1, "progress": False, keyword: value}
    with pytest.raises(error, match=rf"^{keyword}: expected"):
        fit_classifier(model, (DIGITS, LABELS), **settings)
    assert unchanged(model, before)


def test_fit_classifier_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match=r"^model: expected a torch.nn.Module"):
        fit_classifier("cnn", (DIGITS, LABELS), steps=1, progress=False)


def test_fit_classifier_accepts_numpy_float64_and_numpy_integers():
    images, labels = DIGITS.double().numpy(), LABELS.numpy()
    history = fit_classifier(tiny_classifier(), (images, labels), (images, labels),
                             epochs=np.int64(1), steps=np.int64(2),
                             batch_size=np.int32(16), lr=np.float64(1e-3),
                             max_seconds=np.float32(60), seed=np.int64(1), progress=False)
    assert history.steps == [2] and np.isfinite(history.test_loss[-1])


# --- fit_autoencoder -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["images", "test_images"])
@pytest.mark.parametrize("images, error", BAD_DIGITS + [((DIGITS, LABELS), TypeError)])
def test_fit_autoencoder_refuses_bad_images(name, images, error):
    model = TinyAutoencoder().train()
    before = snapshot(model)
    arguments = {"images": DIGITS, "test_images": DIGITS, name: images}
    with pytest.raises(error, match=rf"^{name}: expected"):
        fit_autoencoder(model, **arguments, steps=1, progress=False)
    assert unchanged(model, before)


@pytest.mark.parametrize("keyword, value, error", BAD_SETTINGS)
def test_fit_autoencoder_refuses_bad_settings(keyword, value, error):
    settings = {"steps": 1, "progress": False, keyword: value}
    with pytest.raises(error, match=rf"^{keyword}: expected"):
        fit_autoencoder(TinyAutoencoder(), DIGITS, **settings)


def test_fit_autoencoder_needs_a_training_loss():
    with pytest.raises(TypeError, match=r"^model: expected a model with training_loss"):
        fit_autoencoder(nn.Identity(), DIGITS, steps=1, progress=False)


def test_fit_autoencoder_accepts_numpy_float64():
    history = fit_autoencoder(TinyAutoencoder(), DIGITS.double().numpy(),
                              DIGITS.double().numpy(), steps=np.int64(2),
                              batch_size=np.int64(16), progress=False)
    assert history.steps == [2] and np.isfinite(history.test_mse[-1])


# --- predict, evaluate, reconstruction_error, confusion_matrix, jitter_digits -------------

@pytest.mark.parametrize("images, error", BAD_DIGITS[:4] + BAD_DIGITS[-1:])
def test_predict_and_evaluate_refuse_bad_images(images, error):
    # (any finite range is accepted here: a model may read normalised pixels)
    model = tiny_classifier().train()
    before = snapshot(model)
    with pytest.raises(error, match=r"^images: expected"):
        predict(model, images)
    with pytest.raises(error, match=r"^images: expected"):
        evaluate(model, images, LABELS)
    assert unchanged(model, before)


@pytest.mark.parametrize("labels, error", BAD_LABELS)
def test_evaluate_refuses_bad_labels(labels, error):
    with pytest.raises(error, match=r"^labels: expected"):
        evaluate(tiny_classifier(), DIGITS, labels)


@pytest.mark.parametrize("call, error, name", [
    (lambda m: predict("model", DIGITS), TypeError, "model"),
    (lambda m: predict(m, DIGITS, batch_size=0), ValueError, "batch_size"),
    (lambda m: predict(m, DIGITS, batch_size=2.5), TypeError, "batch_size"),
    (lambda m: evaluate(None, DIGITS, LABELS), TypeError, "model"),
    (lambda m: reconstruction_error("model", DIGITS), TypeError, "model"),
    (lambda m: reconstruction_error(m, DIGITS, batch_size=-1), ValueError, "batch_size"),
])
def test_other_arguments_are_named(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call(TinyAutoencoder())


@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_reconstruction_error_refuses_bad_images(images, error):
    with pytest.raises(error, match=r"^images: expected"):
        reconstruction_error(TinyAutoencoder(), images)


def test_predict_evaluate_reconstruction_accept_numpy():
    model = tiny_classifier()
    assert predict(model, DIGITS.double().numpy(), batch_size=np.int64(8)).shape == (32, 10)
    loss, accuracy = evaluate(model, DIGITS.double().numpy(), LABELS.numpy())
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert np.isfinite(reconstruction_error(TinyAutoencoder(), DIGITS.numpy()))


@pytest.mark.parametrize("predicted, labels, classes, error, name", [
    (torch.tensor([0.0, 1.0]), torch.tensor([0, 1]), 10, TypeError, "predicted"),
    (torch.tensor([0, 1]), torch.tensor([0]), 10, ValueError, "labels"),
    (torch.tensor([0, 12]), torch.tensor([0, 1]), 10, ValueError, "predicted"),
    (torch.tensor([0, 1]), torch.tensor([0, -1]), 10, ValueError, "labels"),
    (torch.tensor([0, 1]), torch.tensor([0, 1]), 0, ValueError, "classes"),
    (torch.tensor([0, 1]), torch.tensor([0, 1]), 2.0, TypeError, "classes"),
])
def test_confusion_matrix_refuses(predicted, labels, classes, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        confusion_matrix(predicted, labels, classes)


def test_confusion_matrix_accepts_numpy():
    matrix = confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), np.int64(2))
    assert matrix.tolist() == [[1, 1], [0, 1]]


@pytest.mark.parametrize("kwargs, error, name", [
    ({"x": DIGITS[:, 0]}, ValueError, "x"),
    ({"x": NAN_DIGITS}, ValueError, "x"),
    ({"generator": None}, TypeError, "generator"),
    ({"generator": 0}, TypeError, "generator"),
    ({"shift": -1.0}, ValueError, "shift"),
    ({"degrees": float("inf")}, ValueError, "degrees"),
    ({"scale": 1.0}, ValueError, "scale"),
    ({"scale": "0.1"}, TypeError, "scale"),
])
def test_jitter_digits_refuses(kwargs, error, name):
    arguments = {"x": DIGITS, "generator": torch.Generator().manual_seed(0), **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        jitter_digits(**arguments)


def test_jitter_digits_accepts_numpy():
    out = jitter_digits(DIGITS.double().numpy(), torch.Generator().manual_seed(0),
                        shift=np.float64(1), degrees=np.int64(5))
    assert out.shape == DIGITS.shape and out.dtype == torch.float32


@pytest.mark.parametrize("steps", [1, 2, 4, 7, 8])
def test_a_run_of_a_few_steps_trains(steps):
    """Once a ZeroDivisionError inside torch's one-cycle schedule for runs of up to
    four steps: short runs now train at a constant rate."""
    model = DigitCNN(width=4, hidden=8)
    before = [p.detach().clone() for p in model.parameters()]
    history = fit_classifier(model, (DIGITS, LABELS), steps=steps, batch_size=8,
                             progress=False)
    assert history.steps[-1] == steps
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
