"""GAN models and the adversarial loop: shapes, a discriminator step, the NaN stop."""

import pytest
import torch

from genlab.adversarial import (TrainingDiverged, discriminator_loss, generator_loss,
                                train_gan)
from genlab.data import load_digits
from genlab.models.gan import Discriminator, Generator, to_signed_range, to_unit_range


@pytest.mark.parametrize("classes", [0, 10])
@pytest.mark.parametrize("spectral", [False, True])
def test_shapes_and_ranges(classes, spectral):
    g, d = Generator(16, 8, classes), Discriminator(8, classes, spectral=spectral)
    labels = torch.arange(5) % 10 if classes else None
    fake = g(torch.randn(5, 16), labels) if classes else g(torch.randn(5, 16))
    assert fake.shape == (5, 1, 28, 28) and fake.min() >= -1 and fake.max() <= 1
    score = d(fake, labels) if classes else d(fake)
    assert score.shape == (5,)


def test_range_maps_are_inverse():
    x = torch.rand(3, 1, 28, 28)
    assert torch.allclose(to_unit_range(to_signed_range(x)), x)


@pytest.mark.parametrize("call, message", [
    (lambda: Generator(16)(torch.randn(2, 8)), r"noise shaped \(N, 16\)"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16)), "pass labels"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16), torch.tensor([1, 10])),
     "labels must lie in 0..9"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16), torch.tensor([0.5, 1.0])),
     "integer labels"),
    (lambda: Generator(16)(torch.randn(2, 16), torch.tensor([1, 2])), "unconditional"),
    (lambda: Discriminator(8)(torch.rand(2, 28, 28)), r"\(N, 1, 28, 28\)")])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_losses_known_values():
    zero = torch.zeros(4)
    assert discriminator_loss(zero, zero).item() == pytest.approx(2 * 0.6931, rel=1e-3)
    assert generator_loss(zero).item() == pytest.approx(0.6931, rel=1e-3)
    assert generator_loss(zero, "saturating").item() == pytest.approx(-0.6931, rel=1e-3)
    # The saturating loss's gradient vanishes where the discriminator is sure: fake
    # logits of -10. The non-saturating loss still pushes hard there.
    for kind, expect_small in [("saturating", True), ("non-saturating", False)]:
        logits = torch.full((4,), -10.0, requires_grad=True)
        generator_loss(logits, kind).backward()
        assert (logits.grad.abs().max() < 1e-3) == expect_small
    with pytest.raises(ValueError, match="unknown generator loss"):
        generator_loss(zero, "wasserstein")


def test_a_discriminator_step_lowers_its_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    real = to_signed_range(load_digits("test")[0][:64])
    fake = Generator(16, 8)(torch.randn(64, 16)).detach()
    d = Discriminator(8)
    opt = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    before = discriminator_loss(d(real), d(fake)).item()
    for _ in range(5):
        loss = discriminator_loss(d(real), d(fake))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert discriminator_loss(d(real), d(fake)).item() < before


def test_train_gan_runs_calls_hooks_and_is_deterministic():
    images, labels = load_digits("train")
    runs, seen = [], []
    for _ in range(2):
        torch.manual_seed(0)
        g, d = Generator(16, 8, classes=10), Discriminator(8, classes=10)
        history = train_gan(g, d, images[:256], labels[:256], steps=6, batch_size=32,
                            d_steps=2, hooks=[lambda step, logs: seen.append(step)],
                            progress=False)
        runs.append(history)
    assert runs[0].d_loss == runs[1].d_loss and len(runs[0].d_loss) == 6
    assert seen == list(range(1, 7)) * 2
    assert all(0 <= v <= 1 for v in runs[0].d_real + runs[0].d_fake)


def test_nan_stops_training_with_a_named_cause():
    images, _ = load_digits("train")
    g, d = Generator(16, 8), Discriminator(8)
    with torch.no_grad():
        d.score.weight.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match=r"d_loss.*step 1.*learning rate"):
        train_gan(g, d, images[:64], steps=3, batch_size=32, progress=False)


def test_train_gan_bad_input():
    images, _ = load_digits("train")
    g, d = Generator(16, 8), Discriminator(8)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        train_gan(g, d, images[:64] * 2 - 1, steps=1, progress=False)
    with pytest.raises(ValueError, match="unknown generator loss"):
        train_gan(g, d, images[:64], loss="hinge", progress=False)
    with pytest.raises(ValueError, match="positive integers"):
        train_gan(g, d, images[:64], steps=0, progress=False)
