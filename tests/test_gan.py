"""GAN models and the adversarial loop: shapes, a discriminator step, the NaN stop."""

import pytest
import torch

from genlab.adversarial import (AveragedGenerator, TrainingDiverged, critic_loss,
                                discriminator_loss, generator_loss, gradient_penalty,
                                shift_images, train_gan)
from genlab.data import load_digits
from genlab.models.gan import (BatchSpread, Discriminator, Generator, to_signed_range,
                               to_unit_range)


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


@pytest.mark.parametrize("call, error, message", [
    (lambda: Generator(16)(torch.randn(2, 8)), ValueError, r"noise shaped \(N, 16\)"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16)), ValueError, "^labels: .*found None"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16), torch.tensor([1, 10])),
     ValueError, "^labels: expected labels in 0..9"),
    (lambda: Generator(16, classes=10)(torch.randn(2, 16), torch.tensor([0.5, 1.0])),
     TypeError, "^labels: expected integer labels"),
    (lambda: Generator(16)(torch.randn(2, 16), torch.tensor([1, 2])), ValueError,
     "unconditional"),
    (lambda: Discriminator(8)(torch.rand(2, 28, 28)), ValueError, r"\(N, 1, 28, 28\)")])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
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
    with pytest.raises(ValueError, match="^kind: expected one of 'non-saturating'"):
        generator_loss(zero, "hinge")


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
    with pytest.raises(ValueError, match="^loss: expected one of 'non-saturating'"):
        train_gan(g, d, images[:64], loss="hinge", progress=False)
    with pytest.raises(ValueError, match="^steps: expected a whole number at least 1"):
        train_gan(g, d, images[:64], steps=0, progress=False)
    with pytest.raises(ValueError, match="never ends"):
        train_gan(g, d, images[:64], steps=None, progress=False)
    with pytest.raises(ValueError, match=r"shaped \(N, 1, 28, 28\)"):
        train_gan(g, d, images[:64, 0], steps=1, progress=False)
    with pytest.raises(ValueError, match=r"^labels: expected None \(this model is unconditional"):
        train_gan(g, d, images[:64], torch.zeros(64, dtype=torch.long), steps=1,
                  progress=False)


def test_train_gan_stops_at_the_time_budget():
    images, _ = load_digits("train")
    torch.manual_seed(0)
    history = train_gan(Generator(16, 8), Discriminator(8), images[:256], steps=None,
                        seconds=0.5, batch_size=32, progress=False)
    assert 1 <= len(history.d_loss) and history.seconds[-1] >= 0.5
    assert history.seconds == sorted(history.seconds)
    assert all(v > 0 for v in history.g_grad)


def test_shift_images_moves_whole_pixels_and_fills_background():
    image = -torch.ones(1, 1, 28, 28)
    image[0, 0, 10, 12] = 1.0
    shifted = shift_images(image.repeat(200, 1, 1, 1), 2, torch.Generator().manual_seed(0))
    assert shifted.shape == (200, 1, 28, 28)
    spots = [tuple(torch.nonzero(s[0] == 1)[0].tolist()) for s in shifted]
    assert {(r - 10, c - 12) for r, c in spots} == {(dy, dx) for dy in range(-2, 3)
                                                    for dx in range(-2, 3)}
    assert (shifted == -1).sum() == 200 * (28 * 28 - 1)  # nothing else appears


def test_shift_images_passes_gradients():
    x = torch.zeros(4, 1, 28, 28, requires_grad=True)
    shift_images(x, 1, torch.Generator().manual_seed(0)).sum().backward()
    assert x.grad is not None and x.grad.sum() > 0


def test_averaged_generator_follows_the_weights_slowly():
    def moved_by_one(decay):
        g = Generator(16, 8)
        average = AveragedGenerator(g, decay=decay)
        before = [p.clone() for p in average.model.parameters()]
        with torch.no_grad():
            for p in g.parameters():
                p.add_(1.0)
        return g, average, before

    g, average, _ = moved_by_one(0.9)
    for step in range(1, 200):
        average(step, {})
    for new, current in zip(average.model.parameters(), g.parameters()):
        assert torch.allclose(new, current, atol=1e-3)  # caught up after many steps
    _, slow, before = moved_by_one(0.99)
    slow(1000, {})  # one late step moves the average by 1 % of the gap
    moved = [(new - old).mean().item() for old, new in zip(before, slow.model.parameters())]
    assert all(abs(m - 0.01) < 1e-4 for m in moved)
    with pytest.raises(ValueError, match="decay"):
        AveragedGenerator(g, decay=1.0)


def test_batch_spread_sees_a_collapsed_batch():
    varied, same = torch.randn(8, 3, 7, 7), torch.randn(1, 3, 7, 7).repeat(8, 1, 1, 1)
    assert BatchSpread()(varied)[:, -1].mean() > 0.5
    assert BatchSpread()(same)[:, -1].abs().max() < 1e-6
    d = Discriminator(8, batch_spread=True)
    assert d(torch.rand(5, 1, 28, 28) * 2 - 1).shape == (5,)


def test_batch_spread_with_labels_sees_a_collapse_within_each_label():
    """Ten different digits, each drawn four times alike: the batch varies, each label
    does not. Measured over the batch the collapse hides; measured per label it shows."""
    one_per_label = torch.randn(10, 3, 7, 7)
    labels = torch.arange(10).repeat(4)
    collapsed = one_per_label[labels]
    assert BatchSpread()(collapsed)[:, -1].mean() > 0.5
    assert BatchSpread()(collapsed, labels)[:, -1].max() < 1e-3
    varied = collapsed + torch.randn_like(collapsed)
    per_label = BatchSpread()(varied, labels)[:, -1]
    # each image gets its own label's spread, computed by hand
    by_hand = torch.stack([varied[labels == k].std(0, unbiased=False).mean()
                           for k in range(10)])[labels]
    assert torch.allclose(per_label[:, 0, 0], by_hand, atol=1e-5)
    conditional = Discriminator(8, classes=10, batch_spread=True)
    assert conditional(torch.rand(40, 1, 28, 28) * 2 - 1, labels).shape == (40,)


def test_the_discriminator_measures_spread_within_labels_unless_told_not_to():
    """Twenty copies of two images, labelled so that each label holds both images: over
    the batch and within a label the spread is the same; labelled so that each label
    holds one image, the spread within labels is zero."""
    torch.manual_seed(0)
    pair = torch.rand(2, 1, 28, 28) * 2 - 1
    images = pair.repeat(20, 1, 1, 1)                       # image i is pair[i % 2]
    spreads = {}
    for within in (True, False):
        d = Discriminator(8, classes=10, batch_spread=True, spread_within_labels=within).eval()
        seen = []
        d.features[-2].register_forward_hook(lambda m, i, out: seen.append(out[:, -1, 0, 0]))
        d(images, torch.arange(40) % 2)                      # each label: one image
        spreads[within] = seen[0]
    assert spreads[True].abs().max() < 1e-3
    assert spreads[False].min() > 0.01  # two different images: clearly not zero


def test_generator_decode_and_sample_are_unit_range_and_seeded():
    g = Generator(16, 8, classes=10).train()
    a = g.sample(6, torch.Generator().manual_seed(3), labels=torch.arange(6))
    b = g.sample(6, torch.Generator().manual_seed(3), labels=torch.arange(6))
    assert torch.equal(a, b) and a.min() >= 0 and a.max() <= 1 and g.training
    assert g.latent_dim == 16


def test_refining_generator_ends_with_a_full_size_convolution():
    g = Generator(16, 8, refine=True)
    convs = [m for m in g.net if isinstance(m, torch.nn.Conv2d)
             and not isinstance(m, torch.nn.ConvTranspose2d)]
    assert len(convs) == 1 and convs[0].kernel_size == (3, 3) and convs[0].in_channels == 4
    assert g(torch.randn(3, 16)).shape == (3, 1, 28, 28)


# --- the Wasserstein critic ---------------------------------------------------------------

class LinearCritic(torch.nn.Module):
    """C(x) = <w, x> (+ a per-label offset): its gradient is w at every image."""

    def __init__(self, weight, classes=0):
        super().__init__()
        self.weight, self.classes = torch.nn.Parameter(weight), classes
        self.offset = torch.nn.Parameter(torch.arange(float(max(classes, 1))))

    def forward(self, x, labels=None):
        score = (x * self.weight).flatten(1).sum(1)
        return score + (self.offset[labels] if self.classes else 0)


def test_gradient_penalty_is_zero_for_a_unit_gradient_and_matches_a_hand_computation():
    torch.manual_seed(0)
    real, fake = torch.rand(6, 1, 28, 28) * 2 - 1, torch.rand(6, 1, 28, 28) * 2 - 1
    direction = torch.randn(1, 28, 28)
    unit = LinearCritic(direction / direction.norm())
    assert gradient_penalty(unit, real, fake).item() == pytest.approx(0.0, abs=1e-10)
    # |w| = 3 everywhere: (3 - 1)^2 = 4, whatever the points in between
    assert gradient_penalty(LinearCritic(3 * direction / direction.norm()), real,
                            fake).item() == pytest.approx(4.0, rel=1e-5)
    # labels reach the critic but its offsets do not change the gradient
    labelled = LinearCritic(0.5 * direction / direction.norm(), classes=10)
    assert gradient_penalty(labelled, real, fake, torch.arange(6)).item() == \
        pytest.approx(0.25, rel=1e-5)
    # A critic whose gradient differs between images: C(x) = sum(x^2) / 2, gradient x.
    square = lambda x: (x ** 2).flatten(1).sum(1) / 2  # noqa: E731
    critic = torch.nn.Module()
    critic.forward = square
    eps = torch.rand(6, 1, 1, 1, generator=torch.Generator().manual_seed(3))
    between = eps * real + (1 - eps) * fake
    by_hand = ((between.flatten(1).norm(dim=1) - 1) ** 2).mean()
    penalty = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(3))
    assert penalty.item() == pytest.approx(by_hand.item(), rel=1e-5) and penalty > 1


def test_gradient_penalty_reaches_the_critics_weights():
    torch.manual_seed(0)
    critic = LinearCritic(torch.full((1, 28, 28), 0.1))  # norm 2.8: penalised
    real, fake = torch.rand(4, 1, 28, 28) * 2 - 1, torch.rand(4, 1, 28, 28) * 2 - 1
    gradient_penalty(critic, real, fake).backward()
    # d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w|: every weight pulled towards a smaller norm
    expected = 2 * (2.8 - 1) * 0.1 / 2.8
    assert torch.allclose(critic.weight.grad, torch.full((1, 28, 28), expected), rtol=1e-4)


def test_wasserstein_losses_are_differences_of_means():
    real, fake = torch.tensor([3.0, 5.0]), torch.tensor([-1.0, 2.0, 5.0])
    assert critic_loss(real, fake).item() == pytest.approx(2.0 - 4.0)
    assert generator_loss(fake, "wasserstein").item() == pytest.approx(-2.0)
    # no sigmoid: the push on a fake does not fade however low its score
    scores = torch.full((4,), -50.0, requires_grad=True)
    generator_loss(scores, "wasserstein").backward()
    assert torch.allclose(scores.grad, torch.full((4,), -0.25))


def test_a_short_wasserstein_run_separates_real_from_fake():
    images, _ = load_digits("train")
    torch.manual_seed(0)
    g, critic = Generator(16, 8), Discriminator(8, batch_norm=False)
    history = train_gan(g, critic, images[:512], steps=40, batch_size=32, lr_g=5e-4,
                        lr_d=1e-3, betas=(0.0, 0.9), loss="wasserstein", progress=False)
    assert len(history.d_loss) == 40
    gaps = torch.tensor(history.d_real) - torch.tensor(history.d_fake)
    assert gaps[-10:].mean() > 0.5  # real digits score higher than fakes
    # scores, not probabilities: they leave [0, 1]
    assert max(map(abs, history.d_real + history.d_fake)) > 1
    # the critic, after training, still scores held-out real digits above fresh fakes
    with torch.no_grad():
        real = critic(to_signed_range(load_digits("test")[0][:200])).mean()
        fake = critic(g(torch.randn(200, 16))).mean()
    assert real > fake


def test_wasserstein_with_labels_trains_without_mismatched_pairs():
    images, labels = load_digits("train")
    torch.manual_seed(0)
    g, critic = Generator(16, 8, classes=10), Discriminator(8, classes=10, batch_norm=False)
    history = train_gan(g, critic, images[:128], labels[:128], steps=3, batch_size=32,
                        loss="wasserstein", mismatched=False, progress=False)
    assert len(history.d_loss) == 3
    with pytest.raises(ValueError, match="^mismatched: expected False"):
        train_gan(g, critic, images[:128], labels[:128], steps=1, loss="wasserstein",
                  progress=False)


def test_wasserstein_refuses_a_critic_with_batch_norm_and_label_smoothing():
    images, _ = load_digits("train")
    g = Generator(16, 8)
    with pytest.raises(ValueError, match="^discriminator: expected a critic without batch"):
        train_gan(g, Discriminator(8), images[:64], steps=1, loss="wasserstein",
                  progress=False)
    with pytest.raises(ValueError, match="^real_target: expected 1.0 with loss='wasserstein'"):
        train_gan(g, Discriminator(8, batch_norm=False), images[:64], steps=1,
                  loss="wasserstein", real_target=0.9, progress=False)
    # spectral normalisation drops batch norm: a valid critic
    train_gan(g, Discriminator(8, spectral=True), images[:64], steps=1, batch_size=32,
              loss="wasserstein", progress=False)


def test_a_diverging_critic_names_the_wasserstein_causes():
    images, _ = load_digits("train")
    g, critic = Generator(16, 8), Discriminator(8, batch_norm=False)
    with torch.no_grad():
        critic.score.weight.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match=r"d_loss.*step 1.*gp_weight"):
        train_gan(g, critic, images[:64], steps=3, batch_size=32, loss="wasserstein",
                  progress=False)
