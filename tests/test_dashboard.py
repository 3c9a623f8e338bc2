"""The training dashboard, small GAN experiments, the knob widgets and the GAN entries
of the model cache."""

import matplotlib.pyplot as plt
import pytest
import torch

from genlab import pretrained
from genlab.adversarial import train_gan
from genlab.dashboard import JUDGE_BATCH, Dashboard
from genlab.data import load_digits
from genlab.experiments import GanConfig, describe, knob_gallery, knob_panel, run_gan
from genlab.metrics import effective_classes, frechet_distance, judge_features, mean_confidence
from genlab.models.cnn import DigitCNN
from genlab.models.gan import Discriminator, Generator
from genlab.widgets import choice_grid, conditional_explorer, digit_png


@pytest.fixture(scope="module")
def digits():
    images, labels = load_digits("train")
    return images[:256], labels[:256]


@pytest.fixture(scope="module")
def judge():
    torch.manual_seed(0)
    return DigitCNN().eval()  # untrained: the plumbing is under test, not the verdicts


def test_dashboard_records_every_step_and_checkpoints(digits, judge):
    torch.manual_seed(0)
    g, d = Generator(16, 8), Discriminator(8)
    board = Dashboard(g, judge, real=digits[0][:100], every=3, live=True)
    train_gan(g, d, digits[0], steps=7, batch_size=32, hooks=[board], progress=False)
    assert board.steps == list(range(1, 8)) and len(board.curves["d_fake"]) == 7
    assert board.checkpoints == [1, 3, 6]
    assert set(board.metrics) == {"confidence", "effective classes", "Fréchet distance"}
    assert all(1 <= v <= 10 for v in board.metrics["effective classes"])
    assert len(board.frames) == 3 and board.frames[0].shape == (64, 1, 28, 28)
    assert board.image.value[:8] == b"\x89PNG\r\n\x1a\n"  # the live picture was drawn
    assert g.training is False  # train_gan hands the models back in eval mode
    html = board.animation().data
    assert "<script" in html and html.count("data:image/png;base64") == 3


def test_dashboard_samples_do_not_disturb_training_randomness(digits, judge):
    def losses(hooks_for):
        torch.manual_seed(0)
        g, d = Generator(16, 8), Discriminator(8)
        return train_gan(g, d, digits[0], steps=5, batch_size=32, progress=False,
                         hooks=hooks_for(g)).d_loss
    plain = losses(lambda g: [])
    watched = losses(lambda g: [Dashboard(g, judge, every=1, live=False)])
    assert plain == watched


def test_dashboard_measures_every_sample_in_chunks(digits, judge):
    # The judge reads the samples in chunks of JUDGE_BATCH (faster on a CPU); the
    # measurements must be those of all the samples read at once.
    torch.manual_seed(0)
    g, real = Generator(16, 8), digits[0][:200]
    board = Dashboard(g, judge, real=real, every=1, live=False)
    assert len(board.noise) == 500 > JUDGE_BATCH
    board.checkpoint(1)
    features, probs = judge_features(judge, board.samples(), batch_size=500)
    real_features, _ = judge_features(judge, real, batch_size=200)
    assert board.real_features.shape == real_features.shape
    assert torch.allclose(board.real_features, real_features, atol=1e-5)
    assert board.metrics["confidence"] == [pytest.approx(mean_confidence(probs))]
    assert board.metrics["effective classes"] == [pytest.approx(effective_classes(probs))]
    assert board.metrics["Fréchet distance"] == [
        pytest.approx(frechet_distance(real_features, features), rel=1e-4)]
    shares = torch.bincount(probs.argmax(1), minlength=10) / 500
    assert board.class_shares == [pytest.approx(shares.tolist())]


def test_dashboard_bad_input():
    g = Generator(16, 8)
    with pytest.raises(ValueError, match="every"):
        Dashboard(g, every=0)
    with pytest.raises(ValueError, match=r"noise shaped \(N, 16\)"):
        Dashboard(g, noise=torch.randn(4, 8))
    with pytest.raises(ValueError, match="nothing recorded"):
        Dashboard(g, live=False).animation()


def test_conditional_dashboard_labels_its_noise():
    board = Dashboard(Generator(16, 8, classes=10), live=False, every=1)
    assert board.labels.tolist()[:12] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    board.checkpoint(1)
    assert board.frames[0].shape == (64, 1, 28, 28) and not board.metrics


def test_run_gan_is_seeded_and_measured(digits, judge):
    config = GanConfig(steps=6, width=8, noise_dim=16, batch_size=32, average=0.9)
    a = run_gan(config, digits[0], judge, digits[0][:100], every=4, progress=False)
    b = run_gan(config, digits[0], judge, digits[0][:100], every=4, progress=False)
    assert a.history.d_loss == b.history.d_loss
    assert a.dashboard.checkpoints == [1, 4, 6]  # the last step is always measured
    assert set(a.final) == {"confidence", "effective classes", "Fréchet distance"}
    assert a.samples.shape == (500, 1, 28, 28)
    with pytest.raises(ValueError, match="must match"):
        run_gan(config.changed(spectral=True), digits[0], judge, digits[0][:100],
                start=run_gan(config.changed(average=None), digits[0], judge,
                              digits[0][:100], progress=False), progress=False)


def test_a_wasserstein_run_draws_critic_scores_not_probabilities(digits, judge):
    config = GanConfig(steps=4, width=8, noise_dim=16, batch_size=32, loss="wasserstein",
                       betas=(0.0, 0.9))
    run = run_gan(config, digits[0], judge, digits[0][:100], every=2, progress=False)
    assert run.dashboard.critic and not any(
        isinstance(m, torch.nn.BatchNorm2d) for m in run.discriminator.modules())
    panel = run.figure().axes[1]
    assert panel.get_title() == "critic's scores"
    assert [line.get_label() for line in panel.get_lines()] == ["C(x), real",
                                                                "C(G(z)), fake"]
    # the scores set the panel's range: nothing is cut off at [0, 1]
    low, high = panel.get_ylim()
    assert low <= min(run.history.d_fake) and high >= max(run.history.d_real)
    plain = run_gan(config.changed(loss="non-saturating"), digits[0], judge,
                    digits[0][:100], every=2, progress=False)
    assert plain.figure().axes[1].get_ylim() == (0, 1) and not plain.dashboard.critic
    plt.close("all")


def test_config_changes_and_descriptions():
    config = GanConfig().changed(lr_d=1e-3, spectral=True)
    assert describe(config) == "lr_d=0.001, spectral=True"
    assert describe(GanConfig()) == "baseline"
    with pytest.raises(ValueError, match="unknown knob"):
        GanConfig().changed(learning_rate=1)


def test_choice_grid_holds_the_frame_of_every_combination_in_order():
    frames = {(a, b): digit_png(torch.full((28, 28), i / 6))
              for i, (a, b) in enumerate((a, b) for a in "xyz" for b in "uv")}
    box = choice_grid(frames, {"first": list("xyz"), "second": list("uv")}, note="n")
    first, second = box.controls
    assert (first.labels, second.labels) == (tuple("xyz"), tuple("uv"))
    assert {first.kind, second.kind} == {"dropdown"} and box.note == "n"
    assert box.frame(2, 1) == frames[("z", "v")]  # the image stored for that key
    with pytest.raises(ValueError, match=r"^frames: .*none for \('x', 'w'\) \(and 2 more\)"):
        choice_grid(frames, {"first": list("xyz"), "second": list("uvw")})


def test_knob_panel_trains_when_pressed(digits, judge):
    panel = knob_panel(digits[0], judge, digits[0][:100],
                       GanConfig(steps=100, width=8, noise_dim=16, batch_size=32))
    panel.button.click()
    assert len(panel.runs) == 1 and not panel.button.disabled
    run = panel.runs[0]
    assert run.config.steps == 100 and run.dashboard.checkpoints[-1] == 100
    assert run.dashboard.image.value[:4] == b"\x89PNG"  # the live picture was drawn


def test_knob_gallery_holds_a_dashboard_per_setting(digits, judge):
    config = GanConfig(steps=3, width=8, noise_dim=16, batch_size=32)
    runs = {(loss,): run_gan(config.changed(loss=loss), digits[0], judge, digits[0][:100],
                             every=2, progress=False)
            for loss in ("saturating", "non-saturating")}
    gallery = knob_gallery(runs, {"loss": ["saturating", "non-saturating"]})
    assert len(gallery.frames) == 2 and gallery.frames[0] != gallery.frames[1]


def test_conditional_explorer_draws_the_chosen_digit():
    g = Generator(16, 8, classes=10)
    explorer = conditional_explorer(g)
    first = explorer.picture.value
    explorer.controls[0].value = 7
    assert explorer.picture.value != first
    with pytest.raises(ValueError, match="conditional generator"):
        conditional_explorer(Generator(16, 8))


def test_gan_entries_build_their_models():
    g = pretrained.build(pretrained.GAN_NAME)
    d = pretrained.build_discriminator(pretrained.GAN_NAME)
    assert isinstance(g, Generator) and g.classes == 0
    assert d(g.sample(3)).shape == (3,)
    cg = pretrained.build(pretrained.CONDITIONAL_GAN)
    assert cg.classes == 10
    assert torch.equal(pretrained.build(pretrained.GAN_NAME).net[0].weight, g.net[0].weight)
    with pytest.raises(ValueError, match="not a GAN"):
        pretrained.build_discriminator(pretrained.VAE_NAME)
    with pytest.raises(ValueError, match="^name: expected one of .*found .*'gan-v0'"):
        pretrained.build("gan-v0")
