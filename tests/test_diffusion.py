"""The diffusion model: forward process, velocity loss, training loop, Euler sampler."""

from dataclasses import asdict

import pytest
import torch

from genlab import diffusion, pretrained
from genlab.frame import Budget
from genlab.data import load_digits
from genlab.models.unet import DenoisingUNet, check_noise_levels, time_features


@pytest.fixture(scope="module")
def labelled_digits():
    images, labels = load_digits("train")
    return images[:256], labels[:256]


@pytest.fixture(scope="module")
def digits(labelled_digits):
    return labelled_digits[0]


def test_forward_process_runs_from_the_digit_to_its_noise():
    x0, noise = torch.rand(3, 1, 28, 28) * 2 - 1, torch.randn(3, 1, 28, 28)
    assert torch.equal(diffusion.add_noise(x0, noise, 0.0), x0)
    assert torch.equal(diffusion.add_noise(x0, noise, 1.0), noise)
    halfway = diffusion.add_noise(x0, noise, torch.tensor([0.5, 0.5, 0.5]))
    assert torch.allclose(halfway, (x0 + noise) / 2)
    with pytest.raises(ValueError, match=r"^t: expected noise levels in \[0, 1\] .*found 1.5"):
        diffusion.add_noise(x0, noise, 1.5)
    with pytest.raises(ValueError, match=r"^t: expected one noise level per image"):
        diffusion.add_noise(x0, noise, torch.rand(2))
    with pytest.raises(ValueError, match="^noise: expected 3 digits, found 2"):
        diffusion.add_noise(x0, noise[:2], 0.5)


def test_time_features_tell_noise_levels_apart():
    codes = time_features(torch.tensor([0.0, 0.01, 0.5, 1.0]), 64)
    assert codes.shape == (4, 64)
    near, far = (codes[0] - codes[1]).norm(), (codes[0] - codes[3]).norm()
    assert near < far


def test_denoiser_shapes_and_bad_input():
    model = DenoisingUNet((8, 16))
    out = model(torch.randn(5, 1, 28, 28), torch.rand(5))
    assert out.shape == (5, 1, 28, 28)
    assert torch.count_nonzero(out) == 0  # the head starts at zero: predicts no motion
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        model(torch.randn(5, 28, 28), torch.rand(5))
    with pytest.raises(ValueError, match="^t: expected finite values"):
        model(torch.randn(2, 1, 28, 28), torch.tensor([0.5, float("nan")]))
    assert check_noise_levels(0.3, 4).shape == (4,)


def test_conditional_denoiser_reads_the_label():
    model = DenoisingUNet((8, 16), classes=10)
    torch.nn.init.normal_(model.head.weight)  # so that the output depends on its input
    torch.nn.init.normal_(model.label.weight)
    x, t = torch.randn(4, 1, 28, 28), torch.rand(4)
    threes, sevens = model(x, t, torch.full((4,), 3)), model(x, t, torch.full((4,), 7))
    assert not torch.allclose(threes, sevens)
    assert torch.equal(model(x, t), model(x, t, torch.full((4,), -1)))  # None: no label
    with pytest.raises(ValueError, match=r"0\.\.9 \(or -1"):
        model(x, t, torch.tensor([0, 1, 2, 10]))
    with pytest.raises(TypeError, match="^labels: expected integer labels"):
        model(x, t, torch.zeros(4))
    with pytest.raises(ValueError, match="unconditional"):
        DenoisingUNet((8, 16))(x, t, torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="^classes: expected a whole number at least 0"):
        DenoisingUNet((8, 16), classes=-1)


def test_hide_labels_hides_about_the_share_asked():
    labels = torch.arange(10).repeat(1000)
    shown = diffusion.hide_labels(labels, 0.15, torch.Generator().manual_seed(0))
    hidden = shown == -1
    assert 0.13 < hidden.float().mean() < 0.17
    assert torch.equal(shown[~hidden], labels[~hidden])
    assert torch.equal(diffusion.hide_labels(labels, 0.0), labels)


def test_velocity_loss_is_zero_for_the_exact_velocity():
    class Oracle(torch.nn.Module):
        """Knows x0 and the noise: returns the true velocity for the fixed draws."""

        def forward(self, x, t):
            return self.velocity

    x0 = torch.rand(4, 1, 28, 28) * 2 - 1
    rng = torch.Generator().manual_seed(5)
    noise = torch.randn(x0.shape, generator=rng)
    oracle = Oracle()
    oracle.velocity = noise - x0
    assert diffusion.velocity_loss(oracle, x0, torch.Generator().manual_seed(5)) < 1e-12
    oracle.velocity = torch.zeros_like(x0)
    assert diffusion.velocity_loss(oracle, x0, torch.Generator().manual_seed(5)) > 0.5


def test_training_lowers_the_loss_and_returns_the_average(digits):
    model = DenoisingUNet((8, 16))
    averaged, history = diffusion.train_diffusion(model, digits, steps=60, batch_size=32,
                                                  lr=3e-3, progress=False)
    assert len(history.loss) == 60 and len(history.seconds) == 60
    assert sum(history.loss[-10:]) / 10 < 0.7 * sum(history.loss[:10]) / 10
    assert averaged is not model and not averaged.training
    differs = [not torch.equal(a, b) for a, b in
               zip(averaged.state_dict().values(), model.state_dict().values())]
    assert any(differs), "the moving average equals the last weights"


def test_conditional_training_uses_the_labels(labelled_digits):
    images, labels = labelled_digits
    model = DenoisingUNet((8, 16), classes=10)
    with pytest.raises(ValueError, match="pass the digits' labels"):
        diffusion.train_diffusion(model, images, steps=1)
    with pytest.raises(ValueError, match="unconditional"):
        diffusion.train_diffusion(DenoisingUNet((8, 16)), images, labels, steps=1)
    with pytest.raises(ValueError, match="label_dropout"):
        diffusion.train_diffusion(model, images, labels, steps=1, label_dropout=1.0)
    with pytest.raises(ValueError, match=r"0\.\.9"):
        diffusion.train_diffusion(model, images, labels + 1, steps=1)
    averaged, _ = diffusion.train_diffusion(model, images, labels, steps=20, batch_size=32,
                                            lr=3e-3, progress=False)
    assert averaged.label.weight[:10].abs().sum() > 0, "the digits' labels never learned"


def test_training_rejects_bad_settings(digits):
    model = DenoisingUNet((8, 16))
    with pytest.raises(ValueError, match="steps, seconds or both"):
        diffusion.train_diffusion(model, digits, steps=None)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        diffusion.train_diffusion(model, digits * 2 - 1, steps=1)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        diffusion.train_diffusion(model, digits[:, 0], steps=1)
    with pytest.raises(ValueError, match="cooldown"):
        diffusion.train_diffusion(model, digits, steps=1, cooldown=1.0)


def test_training_stops_at_the_time_budget(digits):
    model = DenoisingUNet((8, 16))
    _, history = diffusion.train_diffusion(model, digits, steps=None, seconds=0.5,
                                           batch_size=16, progress=False)
    assert 0 < len(history.loss) and history.seconds[-1] < 5.0


def test_sampling_is_seeded_and_follows_the_field():
    class Constant(torch.nn.Module):
        """A field that moves every pixel at velocity 1: x0 = noise - 1."""

        def forward(self, x, t):
            return torch.ones_like(x)

    digits, kept = diffusion.sample(Constant(), 3, 4, torch.Generator().manual_seed(0),
                                    keep=[0, 4])
    noise = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(kept[0], ((noise + 1) / 2).clamp(0, 1))
    assert torch.allclose(digits, ((noise - 1 + 1) / 2).clamp(0, 1), atol=1e-6)
    model = DenoisingUNet((8, 16))
    a = diffusion.sample(model, 2, 3, torch.Generator().manual_seed(1))
    b = diffusion.sample(model, 2, 3, torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and a.min() >= 0 and a.max() <= 1
    with pytest.raises(ValueError, match="^steps: expected a whole number at least 1"):
        diffusion.sample(model, 2, 0)
    with pytest.raises(ValueError, match=r"^keep\[0\]: expected a whole number from 0 to 3"):
        diffusion.sample(model, 2, 3, keep=[5])
    with pytest.raises(ValueError, match="need a conditional denoiser"):
        diffusion.sample(model, 2, 3, guidance=2.0)


def test_guidance_pushes_past_the_labelled_velocity():
    class Labelled(torch.nn.Module):
        """Velocity 1 for a labelled image, 0 without a label, so that the guided
        velocity is exactly w."""

        classes = 10

        def forward(self, x, t, labels):
            self.seen = labels
            return (labels >= 0).float()[:, None, None, None].expand_as(x)

    model = Labelled()
    noise = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    for w in (0.0, 1.0, 2.0, 3.5):
        digits = diffusion.sample(model, 3, 4, torch.Generator().manual_seed(0),
                                  labels=torch.tensor([1, 2, 3]), guidance=w)
        assert torch.allclose(digits, ((noise - w + 1) / 2).clamp(0, 1), atol=1e-5), w
    diffusion.sample(model, 5, 1, torch.Generator().manual_seed(0))
    drawn = model.seen[:5]
    assert drawn.min() >= 0 and drawn.max() <= 9  # labels drawn at random when not given
    with pytest.raises(ValueError, match="^guidance: expected a finite number at least 0"):
        diffusion.sample(model, 3, 2, guidance=-1.0)
    with pytest.raises(ValueError, match="^labels: expected 3 labels"):
        diffusion.sample(model, 3, 2, labels=torch.tensor([1, 2]))


def test_the_recipe_builds_the_denoiser_and_a_budget_replaces_its_steps(
        monkeypatch, labelled_digits):
    model = pretrained.build(pretrained.DIFFUSION)
    assert isinstance(model, DenoisingUNet) and model.classes == 10
    monkeypatch.setattr(pretrained, "load_digits", lambda split: labelled_digits)
    entry = pretrained.entry(pretrained.DIFFUSION)
    record = entry.train(model, Budget(steps=2), progress=False)
    assert record.steps == len(record.history.loss) == 2
    assert record.config == pretrained._plain(asdict(entry.recipe))
    record = entry.train(model, Budget(seconds=1.5), progress=False)
    assert record.steps == len(record.history.loss) >= 1
    assert record.seconds == record.history.seconds[-1] >= 1.5  # time ended it
