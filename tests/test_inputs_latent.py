"""genlab.latent checks every argument before any work: bad inputs of every kind are
refused with an error that names the argument; NumPy inputs are accepted; a refused
call leaves the model, its mode and its weights as they were."""

import numpy as np
import pytest
import torch
from torch import nn

from genlab import latent
from genlab.latent import LatentGaussian
from genlab.models.autoencoders import DenseAutoencoder
from genlab.models.gan import Generator

torch.manual_seed(0)
DIGITS = torch.rand(5, 1, 28, 28)
NAN_DIGITS = DIGITS.clone()
NAN_DIGITS[1, 0, 3, 3] = float("nan")
CODES = torch.randn(40, 2)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return DenseAutoencoder(2)


class NoLatentSize(nn.Module):
    def decode(self, z):
        return z


@pytest.mark.parametrize("bad, error", [("model", TypeError), (nn.Linear(2, 2), TypeError)])
def test_encode_needs_a_model_that_encodes(bad, error):
    with pytest.raises(error, match=r"^model: expected"):
        latent.encode(bad, DIGITS)


@pytest.mark.parametrize("bad, error", [
    ("model", TypeError), (nn.Linear(2, 2), TypeError), (NoLatentSize(), TypeError),
    (Generator(noise_dim=4, width=8, classes=10), ValueError)])  # needs labels too
def test_decode_needs_a_model_that_decodes_codes_alone(bad, error):
    with pytest.raises(error, match=r"^model: expected"):
        latent.decode(bad, torch.zeros(1, 4))


@pytest.mark.parametrize("images, error", [
    ([[0.5]], TypeError), (torch.rand(5, 28, 28), ValueError),
    (torch.rand(0, 1, 28, 28), ValueError), (NAN_DIGITS, ValueError),
    (DIGITS * 255, ValueError), (DIGITS * 2 - 1, ValueError),
    ((DIGITS * 255).byte(), TypeError)])
def test_encode_checks_images(model, images, error):
    with pytest.raises(error, match=r"^images: expected"):
        latent.encode(model, images)


@pytest.mark.parametrize("codes, error", [
    ([[0.0, 1.0]], TypeError), (torch.zeros(2), ValueError),     # one code, not a batch
    (torch.zeros(3, 5), ValueError), (torch.zeros(0, 2), ValueError),
    (torch.tensor([[0.0, float("nan")]]), ValueError), (torch.zeros(3, 2).long(), TypeError)])
def test_decode_checks_codes_against_the_latent_size(model, codes, error):
    with pytest.raises(error, match=r"^latents: expected"):
        latent.decode(model, codes)


@pytest.mark.parametrize("function, data", [(latent.encode, DIGITS),
                                            (latent.decode, torch.zeros(3, 2))])
@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (1.5, TypeError),
                                               (None, TypeError)])
def test_batch_size(model, function, data, batch_size, error):
    with pytest.raises(error, match=r"^batch_size: expected"):
        function(model, data, batch_size=batch_size)


def test_a_refused_call_leaves_the_model_as_it_was(model):
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    try:
        with pytest.raises(ValueError):
            latent.encode(model, NAN_DIGITS)
        with pytest.raises(ValueError):
            latent.decode(model, torch.full((2, 2), float("inf")))
        with pytest.raises(ValueError):
            latent.decode(model, torch.zeros(2, 2), batch_size=0)
        assert model.training
        assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
        latent.decode(model, torch.zeros(2, 2))  # a good call keeps the mode too
        assert model.training
    finally:
        model.eval()


@pytest.mark.parametrize("codes, error", [
    ([[0.0, 1.0]], TypeError), (torch.zeros(5), ValueError), (torch.zeros(5, 0), ValueError),
    (torch.zeros(2, 2), ValueError),                 # no more codes than dimensions
    (torch.full((5, 2), float("nan")), ValueError), (torch.zeros(5, 2).long(), TypeError)])
def test_fit_checks_latents(codes, error):
    with pytest.raises(error, match=r"^latents: expected"):
        LatentGaussian.fit(codes)


@pytest.mark.parametrize("mean, covariance, name", [
    (torch.zeros(2), torch.eye(3), "covariance"),
    (torch.zeros(2), -torch.eye(2), "covariance"),                  # not positive definite
    (torch.zeros(2), torch.tensor([[1.0, 0.5], [0.0, 1.0]]), "covariance"),  # not symmetric
    (torch.tensor([0.0, float("nan")]), torch.eye(2), "mean"),
    (torch.zeros(1, 2), torch.eye(2), "mean")])
def test_a_gaussian_checks_mean_and_covariance(mean, covariance, name):
    with pytest.raises(ValueError, match=rf"^{name}: expected"):
        LatentGaussian(mean, covariance)


@pytest.mark.parametrize("n, generator, error, name", [
    (0, None, ValueError, "n"), (2.5, None, TypeError, "n"), ("3", None, TypeError, "n"),
    (3, 7, TypeError, "generator")])
def test_sample_checks_n_and_generator(n, generator, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        LatentGaussian.fit(CODES).sample(n, generator)


@pytest.mark.parametrize("k, error", [(5, ValueError), (3, ValueError), (0, ValueError),
                                      (1.0, TypeError), (True, TypeError)])
def test_principal_directions_k_runs_from_1_to_the_latent_size(k, error):
    with pytest.raises(error, match=r"^k: expected"):
        latent.principal_directions(CODES, k)


@pytest.mark.parametrize("codes, error", [
    (torch.zeros(5), ValueError), (torch.randn(2, 2), ValueError),  # no more codes than k
    (torch.full((5, 2), float("inf")), ValueError), ("codes", TypeError)])
def test_principal_directions_checks_latents(codes, error):
    with pytest.raises(error, match=r"^latents: expected"):
        latent.principal_directions(codes, 2)


@pytest.mark.parametrize("x_range, y_range, error, name", [
    ((0, float("inf")), (0, 1), ValueError, "x_range"),
    ((0, 1), (float("nan"), 1), ValueError, "y_range"),
    ((1, 0), (0, 1), ValueError, "x_range"), ((0, 1), (2, 2), ValueError, "y_range"),
    (5, (0, 1), TypeError, "x_range"), ((0, 1, 2), (0, 1), TypeError, "x_range"),
    (("a", "b"), (0, 1), TypeError, "x_range")])
def test_plane_grid_ranges(x_range, y_range, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        latent.plane_grid(x_range, y_range)


@pytest.mark.parametrize("steps, error", [(1, ValueError), (0, ValueError),
                                          (2.5, TypeError)])
def test_plane_grid_steps(steps, error):
    with pytest.raises(error, match=r"^steps: expected"):
        latent.plane_grid((0, 1), (0, 1), steps)


@pytest.mark.parametrize("start, end, error, name", [
    (torch.zeros(2), torch.zeros(3), ValueError, "z_end"),
    (torch.zeros(1, 2), torch.zeros(2), ValueError, "z_start"),
    (torch.zeros(0), torch.zeros(0), ValueError, "z_start"),
    (torch.zeros(2), torch.tensor([0.0, float("nan")]), ValueError, "z_end"),
    ([0.0, 1.0], torch.zeros(2), TypeError, "z_start"),
    (torch.zeros(2).long(), torch.zeros(2), TypeError, "z_start")])
def test_interpolate_checks_both_ends(start, end, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        latent.interpolate(start, end)


@pytest.mark.parametrize("steps, error", [(1, ValueError), (-3, ValueError), (4.0, TypeError)])
def test_interpolate_steps(steps, error):
    with pytest.raises(error, match=r"^steps: expected"):
        latent.interpolate(torch.zeros(2), torch.ones(2), steps)


def test_numpy_inputs_are_accepted(model):
    codes = latent.encode(model, DIGITS.numpy(), batch_size=np.int64(2))
    assert codes.shape == (5, 2)
    assert latent.decode(model, CODES.numpy(), batch_size=np.int32(7)).shape == (40, 1, 28, 28)
    fitted = LatentGaussian.fit(CODES.double().numpy())
    assert fitted.sample(np.int64(3), torch.Generator().manual_seed(0)).shape == (3, 2)
    directions, spreads = latent.principal_directions(CODES.numpy(), np.int64(2))
    assert directions.shape == (2, 2) and spreads.shape == (2,)
    grid = latent.plane_grid((np.float64(-1), np.float32(1)), (torch.tensor(0.0), 1),
                             np.int64(3))
    assert grid.shape == (9, 2)
    walk = latent.interpolate(np.zeros(2), np.ones(2, dtype=np.float32), np.int64(5))
    assert walk.shape == (5, 2) and torch.allclose(walk[-1], torch.ones(2))
