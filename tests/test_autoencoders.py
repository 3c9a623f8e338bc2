"""Autoencoder models, their training loop, latent utilities and the judge's metrics."""

import math

import pytest
import torch
import torch.nn.functional as F

from genlab.data import load_digits
from genlab.latent import (LatentGaussian, decode, encode, interpolate, plane_grid,
                           principal_directions)
from genlab.metrics import (effective_classes, frechet_distance, judge_features,
                            mean_confidence, precision_recall, score_samples)
from genlab.models.autoencoders import VAE, ConvAutoencoder, DenseAutoencoder
from genlab.models.cnn import DigitCNN
from genlab.training import fit_autoencoder, reconstruction_error

MODELS = [lambda: DenseAutoencoder(2), lambda: DenseAutoencoder(16),
          lambda: ConvAutoencoder(16), lambda: ConvAutoencoder(8, kernel_size=3),
          lambda: ConvAutoencoder(8, refine=False), lambda: VAE(16)]


@pytest.mark.parametrize("make", MODELS)
def test_shapes_and_range(make):
    model = make().eval()
    x = torch.rand(4, 1, 28, 28)
    z = model.encode(x)
    assert z.shape == (4, model.latent_dim)
    out = model.decode(z)
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    assert model(x).shape == x.shape
    loss, logs = model.train().training_loss(x)
    assert loss.ndim == 0 and loss.item() > 0 and "mse" in logs


@pytest.mark.parametrize("make", MODELS)
def test_bad_input_is_a_clear_error(make):
    model = make()
    with pytest.raises(ValueError, match=r"^z: expected latent codes shaped \(N, \d+\)"):
        model.decode(torch.zeros(3, model.latent_dim + 1))
    with pytest.raises(ValueError, match="^x: expected values in \\[0, 1\\].*\\(x \\+ 1\\) / 2"):
        model.encode(torch.rand(2, 1, 28, 28) * 2 - 1)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        model.encode(torch.rand(2, 28, 28))


def test_bad_kernel_size():
    with pytest.raises(ValueError, match="^kernel_size: expected one of 3, 4"):
        ConvAutoencoder(kernel_size=5)


def test_vae_kl_is_zero_exactly_at_the_prior():
    model = VAE(4)
    with torch.no_grad():
        for layer in (model.to_mean, model.to_logvar):
            layer.weight.zero_()
            layer.bias.zero_()
    _, logs = model.training_loss(torch.rand(3, 1, 28, 28))
    assert logs["kl"] == pytest.approx(0.0, abs=1e-6)
    samples = model.sample(5, torch.Generator().manual_seed(0))
    assert samples.shape == (5, 1, 28, 28)


def test_autoencoder_training_learns_and_is_deterministic():
    images, _ = load_digits("train")
    test, _ = load_digits("test")
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = ConvAutoencoder(16, width=8)
        history = fit_autoencoder(model, images[:512], test[:100], epochs=3, batch_size=64,
                                  lr=3e-3, progress=False)
        runs.append(history)
    assert runs[0].test_mse == runs[1].test_mse
    assert runs[0].test_mse[-1] < runs[0].test_mse[0] < 0.2
    assert runs[0].test_mse[-1] == pytest.approx(reconstruction_error(model, test[:100]))
    torch.manual_seed(0)
    vae_history = fit_autoencoder(VAE(4, width=8), images[:256], epochs=1, progress=False)
    assert set(vae_history.series) == {"train_loss", "train_mse", "train_kl", "seconds",
                                       "steps"}
    assert vae_history.steps == [256 // 128]  # batches of 128 taken by the end of each epoch


def test_encode_decode_in_batches_match_one_pass():
    model = DenseAutoencoder(3).eval()
    x = torch.rand(7, 1, 28, 28)
    z = encode(model, x, batch_size=3)
    assert torch.allclose(z, model.encode(x), atol=1e-6)
    assert torch.allclose(decode(model, z, batch_size=2), model.decode(z), atol=1e-6)


def test_latent_gaussian_recovers_the_data_distribution():
    g = torch.Generator().manual_seed(0)
    true_cov = torch.tensor([[2.0, 0.8], [0.8, 1.0]])
    data = torch.randn(20000, 2, generator=g) @ torch.linalg.cholesky(true_cov).T + 3
    fitted = LatentGaussian.fit(data)
    assert torch.allclose(fitted.mean, torch.tensor([3.0, 3.0]), atol=0.05)
    assert torch.allclose(fitted.covariance, true_cov, atol=0.06)
    samples = fitted.sample(20000, torch.Generator().manual_seed(1))
    assert torch.allclose(torch.cov(samples.T), true_cov, atol=0.08)
    with pytest.raises(ValueError, match="more points than dimensions"):
        LatentGaussian.fit(torch.zeros(3, 5))


def test_principal_directions_find_the_long_axis():
    g = torch.Generator().manual_seed(0)
    data = torch.randn(5000, 3, generator=g) * torch.tensor([5.0, 1.0, 0.1])
    directions, spread = principal_directions(data, 2)
    assert abs(directions[0, 0]) > 0.99 and abs(directions[1, 1]) > 0.99
    assert spread[0] == pytest.approx(5.0, rel=0.05)


def test_plane_grid_and_interpolation():
    grid = plane_grid((-1, 1), (-2, 2), steps=3)
    assert grid.shape == (9, 2)
    assert grid[0].tolist() == [-1.0, 2.0] and grid[-1].tolist() == [1.0, -2.0]
    path = interpolate(torch.zeros(4), torch.ones(4), steps=5)
    assert path.shape == (5, 4) and path[2].tolist() == [0.5] * 4
    with pytest.raises(ValueError, match="same size"):
        interpolate(torch.zeros(4), torch.zeros(3))


# --- metrics: known cases ------------------------------------------------------------

def test_effective_classes_known_cases():
    uniform = F.one_hot(torch.arange(1000) % 10, 10).float()
    assert effective_classes(uniform) == pytest.approx(10.0)
    one_class = F.one_hot(torch.full((500,), 3), 10).float()
    assert effective_classes(one_class) == pytest.approx(1.0)
    two = F.one_hot(torch.arange(100) % 2, 10).float()
    assert effective_classes(two) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="rows sum to 1"):
        effective_classes(torch.randn(5, 10))


def test_mean_confidence():
    probs = torch.tensor([[0.9, 0.1], [0.3, 0.7]])
    assert mean_confidence(probs) == pytest.approx(0.8)


def test_frechet_distance_known_cases():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(4000, 8, generator=g)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    shifted = a + torch.tensor([2.0] + [0.0] * 7)
    assert frechet_distance(a, shifted) == pytest.approx(4.0, rel=1e-4)
    scaled = a * 2  # covariance 4 I: trace term 8 * (1 + 4 - 2 * 2) = 8
    assert frechet_distance(a, scaled) == pytest.approx(8.0, rel=0.05)
    with pytest.raises(ValueError, match="feature sizes differ"):
        frechet_distance(a, a[:, :3])


def test_precision_recall_known_cases():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(500, 4, generator=g)
    same = torch.randn(500, 4, generator=g)
    precision, recall = precision_recall(real, same)
    assert precision > 0.9 and recall > 0.9
    far = same + 50
    assert precision_recall(real, far) == (0.0, 0.0)
    collapsed = real[:1].repeat(500, 1) + 0.001 * torch.randn(500, 4, generator=g)
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.05  # good-looking but covers nothing


def test_judge_features_and_score_samples():
    judge = DigitCNN().eval()
    images, _ = load_digits("test")
    features, probs = judge_features(judge, images[:50])
    assert features.shape == (50, 128) and probs.shape == (50, 10)
    scores = score_samples(judge, images[:50], images[:50])
    assert scores["Fréchet distance"] == pytest.approx(0.0, abs=1e-3)
    assert scores["precision"] == scores["recall"] == 1.0
    assert 1 <= scores["effective classes"] <= 10 and 0 < scores["confidence"] <= 1
    with pytest.raises(ValueError, match=r"\(images \+ 1\) / 2"):
        judge_features(judge, images[:5] * 2 - 1)
    assert not math.isnan(scores["confidence"])


def test_transposed_output_size_and_checkerboard_energy():
    from genlab.convolution import checkerboard_energy, transposed_output_size

    for n, k, s, p, extra in [(7, 4, 2, 1, 0), (7, 3, 2, 1, 1), (4, 5, 3, 1, 2), (2, 3, 1, 0, 0)]:
        layer = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=extra)
        assert transposed_output_size(n, k, s, p, extra) == layer(torch.zeros(1, 1, n, n)).shape[-1]
    with pytest.raises(ValueError, match="output_padding"):
        transposed_output_size(7, 3, 2, 1, 2)
    checker = (torch.arange(8)[:, None] + torch.arange(8)[None]) % 2
    assert checkerboard_energy(checker[None, None].float()) == pytest.approx(0.5)  # 0/1 squares
    assert checkerboard_energy(torch.ones(1, 1, 8, 8)) == 0.0


def test_fit_autoencoder_rejects_an_images_labels_pair():
    with pytest.raises(TypeError, match="images only"):
        fit_autoencoder(DenseAutoencoder(2), load_digits("test"), progress=False)
