"""genlab.experiments checks every argument before any work: every knob of a GanConfig
when it is made, and run_gan's images, judge, real digits, every, title and start,
before a model is built or trained; NumPy inputs are accepted."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab.experiments import (GanConfig, build_models, compare, describe, knob_gallery,
                                knob_panel, run_gan)
from genlab.models.cnn import DigitCNN

from bad_inputs import bad_digits, with_nan

torch.manual_seed(0)
DIGITS = torch.rand(16, 1, 28, 28)
NAN_DIGITS = with_nan(DIGITS)
BAD_DIGITS = bad_digits(DIGITS)
SMALL = GanConfig(steps=2, width=4, noise_dim=8, batch_size=8)



@pytest.fixture(scope="module")
def judge():
    torch.manual_seed(0)
    return DigitCNN(width=2, hidden=8).eval()


@pytest.fixture(scope="module")
def run(judge):
    return run_gan(SMALL, DIGITS, judge, DIGITS, every=1, progress=False)


@pytest.mark.parametrize("knob, value, error", [
    ("steps", 0, ValueError), ("steps", 10.0, TypeError),
    ("width", 0, ValueError), ("noise_dim", -4, ValueError), ("noise_dim", 8.5, TypeError),
    ("batch_size", 0, ValueError),
    ("lr_g", 0.0, ValueError), ("lr_g", -2e-4, ValueError), ("lr_g", float("inf"), ValueError),
    ("lr_d", float("nan"), ValueError), ("lr_d", "2e-4", TypeError),
    ("betas", (0.5, 1.0), ValueError), ("betas", 0.5, TypeError),
    ("d_steps", 0, ValueError), ("g_steps", -1, ValueError),
    ("loss", "hinge", ValueError), ("loss", "Non-saturating", ValueError),
    ("real_target", 0.0, ValueError), ("real_target", 2.0, ValueError),
    ("gp_weight", -1.0, ValueError), ("gp_weight", "10", TypeError),
    ("spectral", "yes", TypeError), ("augment", -1, ValueError),
    ("average", 1.0, ValueError), ("average", 0.0, ValueError), ("average", "0.9", TypeError),
    ("seed", -1, ValueError),
])
def test_gan_config_refuses_bad_knobs(knob, value, error):
    with pytest.raises(error, match=rf"^{knob}(\[\d\])?: expected"):
        GanConfig(**{knob: value})
    with pytest.raises(error, match=rf"^{knob}(\[\d\])?: expected"):
        GanConfig().changed(**{knob: value})


def test_gan_config_refuses_label_smoothing_with_a_critic():
    with pytest.raises(ValueError, match=r"^real_target: expected 1.0 with loss='wasserstein'"):
        GanConfig(loss="wasserstein", real_target=0.9)
    with pytest.raises(ValueError, match=r"^real_target: expected 1.0 with loss='wasserstein'"):
        GanConfig(real_target=0.9).changed(loss="wasserstein")


def test_a_wasserstein_config_builds_a_critic_without_batch_norm():
    norms = [[m for m in build_models(SMALL.changed(loss=loss))[1].modules()
              if isinstance(m, torch.nn.BatchNorm2d)] for loss in ("wasserstein", "saturating")]
    assert norms[0] == [] and len(norms[1]) == 1
    config = GanConfig(loss="wasserstein", gp_weight=np.float32(5))
    assert type(config.gp_weight) is float and config.gp_weight == 5.0


def test_gan_config_converts_numpy_numbers():
    config = GanConfig(steps=np.int64(10), lr_g=np.float32(1e-3), betas=[0.0, np.float64(0.9)],
                       average=np.float64(0.99), spectral=np.bool_(True))
    assert type(config.steps) is int and type(config.lr_g) is float
    assert config.betas == (0.0, 0.9) and config.spectral is True
    assert describe(config) == ("steps=10, lr_g=0.001, betas=(0.0, 0.9), spectral=True, "
                                "average=0.99")


def test_changed_names_an_unknown_knob():
    with pytest.raises(ValueError, match=r"^learning_rate: expected one of the knobs.*"
                                         r"unknown knob"):
        GanConfig().changed(learning_rate=1e-3)


@pytest.mark.parametrize("call, name", [
    (lambda: build_models({"steps": 10}), "config"),
    (lambda: describe("baseline"), "config"),
    (lambda: describe(GanConfig(), baseline=3), "baseline"),
])
def test_configs_must_be_configs(call, name):
    with pytest.raises(TypeError, match=rf"^{name}: expected a GanConfig"):
        call()


@pytest.mark.parametrize("name", ["images", "real"])
@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_run_gan_refuses_bad_digits(judge, name, images, error):
    arguments = {"images": DIGITS, "real": DIGITS, name: images}
    with pytest.raises(error, match=rf"^{name}: expected"):
        run_gan(SMALL, judge=judge, progress=False, **arguments)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"config": "small"}, TypeError, "config"),
    ({"images": DIGITS[:4]}, ValueError, "images"),           # fewer than a batch
    ({"judge": "judge"}, TypeError, "judge"),
    ({"every": 0}, ValueError, "every"), ({"every": 2.0}, TypeError, "every"),
    ({"live": "no"}, TypeError, "live"), ({"title": 3}, TypeError, "title"),
    ({"start": "run"}, TypeError, "start"), ({"progress": None}, TypeError, "progress"),
])
def test_run_gan_refuses(judge, kwargs, error, name):
    arguments = {"config": SMALL, "images": DIGITS, "judge": judge, "real": DIGITS,
                 "progress": False, **kwargs}
    with pytest.raises(error, match=rf"^{name}: expected"):
        run_gan(**arguments)


def test_run_gan_leaves_the_run_it_continues_from_as_it_was(judge, run):
    before = [p.clone() for p in run.generator.parameters()]
    mode = run.generator.training
    with pytest.raises(ValueError, match=r"^every: expected"):
        run_gan(SMALL, DIGITS, judge, DIGITS, every=0, start=run, progress=False)
    assert run.generator.training == mode
    assert all(torch.equal(a, b) for a, b in zip(before, run.generator.parameters()))


def test_run_gan_accepts_numpy_inputs(judge):
    config = SMALL.changed(steps=np.int64(2), batch_size=np.int64(8))
    done = run_gan(config, DIGITS.double().numpy(), judge, DIGITS.numpy()[:8],
                   every=np.int64(1), progress=False)
    assert done.dashboard.checkpoints == [1, 2] and len(done.history.d_loss) == 2


def test_compare_and_the_run_figure_refuse(run):
    with pytest.raises(TypeError, match=r"^runs: expected a dict"):
        compare([run])
    with pytest.raises(ValueError, match=r"^runs: expected at least one run"):
        compare({})
    with pytest.raises(TypeError, match=r"^runs\['a'\]: expected a Run"):
        compare({"a": "run"})
    with pytest.raises(ValueError, match=r"^metric: expected one of"):
        compare({"a": run}, metric="accuracy")
    with pytest.raises(TypeError, match=r"^title: expected a str"):
        run.figure(title=5)
    plt.close(compare({"a": run}, metric="confidence"))


def test_knob_panel_and_gallery_refuse(judge, run):
    with pytest.raises(ValueError, match=r"^images: expected"):
        knob_panel(DIGITS * 255, judge, DIGITS)
    with pytest.raises(ValueError, match=r"^real: expected"):
        knob_panel(DIGITS, judge, NAN_DIGITS)
    with pytest.raises(TypeError, match=r"^judge: expected"):
        knob_panel(DIGITS, "judge", DIGITS)
    with pytest.raises(TypeError, match=r"^base: expected a GanConfig"):
        knob_panel(DIGITS, judge, DIGITS, base={"steps": 10})
    with pytest.raises(TypeError, match=r"^runs\[\('a',\)\]: expected a Run"):
        knob_gallery({("a",): None}, {"knob": ["a"]})
    with pytest.raises(TypeError, match=r"^choices: expected a dict"):
        knob_gallery({("a",): run}, ["a"])
