"""genlab.metrics checks every argument before any work: bad inputs of every kind are
refused with an error that names the argument; NumPy inputs are accepted."""

import numpy as np
import pytest
import torch
from torch import nn

from genlab import metrics
from genlab.models.cnn import DigitCNN

torch.manual_seed(0)
DIGITS = torch.rand(6, 1, 28, 28)
NAN_DIGITS = DIGITS.clone()
NAN_DIGITS[0, 0, 0, 0] = float("nan")
PROBS = torch.softmax(torch.randn(6, 10), dim=1)
FEATURES = torch.randn(8, 4)

# (bad digits, error) for every argument that takes a batch of digits in [0, 1]
BAD_DIGITS = [
    ([[0.5]], TypeError),                          # a list, not a tensor
    (torch.rand(6, 28, 28), ValueError),           # no channel axis
    (torch.rand(0, 1, 28, 28), ValueError),        # an empty batch
    (NAN_DIGITS, ValueError),                      # a NaN
    (DIGITS * 255, ValueError),                    # 0-255
    (DIGITS * 2 - 1, ValueError),                  # [-1, 1]
    ((DIGITS * 255).to(torch.uint8), TypeError),   # bytes
]


@pytest.fixture(scope="module")
def judge():
    return DigitCNN().eval()  # untrained: only the checks are under test


@pytest.mark.parametrize("images, error", BAD_DIGITS)
def test_judge_features_refuses_bad_images(judge, images, error):
    with pytest.raises(error, match=r"^images: expected"):
        metrics.judge_features(judge, images)


@pytest.mark.parametrize("which", ["samples", "real"])
@pytest.mark.parametrize("images, error", BAD_DIGITS + [(DIGITS[:3], ValueError)])
def test_score_samples_refuses_bad_samples_and_real_digits(judge, which, images, error):
    arguments = {"samples": DIGITS, "real": DIGITS, which: images}
    with pytest.raises(error, match=rf"^{which}: expected"):
        metrics.score_samples(judge, **arguments)


@pytest.mark.parametrize("bad, error", [("judge", TypeError), (nn.Linear(2, 2), TypeError)])
def test_judge_must_be_a_judge(bad, error):
    with pytest.raises(error, match=r"^judge: expected"):
        metrics.judge_features(bad, DIGITS)
    with pytest.raises(error, match=r"^judge: expected"):
        metrics.score_samples(bad, DIGITS, DIGITS)


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-5, ValueError),
                                               (2.5, TypeError), ("10", TypeError)])
def test_judge_features_batch_size(judge, batch_size, error):
    with pytest.raises(error, match=r"^batch_size: expected"):
        metrics.judge_features(judge, DIGITS, batch_size=batch_size)


def test_a_refused_call_leaves_the_judge_as_it_was(judge):
    judge.train()
    before = [p.clone() for p in judge.parameters()]
    try:
        for images in (NAN_DIGITS, DIGITS * 255):
            with pytest.raises(ValueError, match="^images"):
                metrics.judge_features(judge, images)
            with pytest.raises(ValueError, match="^samples"):
                metrics.score_samples(judge, images, DIGITS)
        assert judge.training
        assert all(torch.equal(a, b) for a, b in zip(before, judge.parameters()))
    finally:
        judge.eval()


BAD_PROBS = [
    ([[0.5, 0.5]], TypeError),                              # a list
    (torch.full((6,), 0.1), ValueError),                    # one row only, 1-D
    (torch.zeros(0, 10), ValueError),                       # empty
    (torch.full((3, 10), float("nan")), ValueError),        # NaN
    (torch.randn(6, 10), ValueError),                       # logits: rows do not sum to 1
    (torch.tensor([[2.0, -1.0]]), ValueError),              # sums to 1, but negative
    (torch.eye(10, dtype=torch.long), TypeError),           # integers
]


@pytest.mark.parametrize("function", [metrics.mean_confidence, metrics.effective_classes])
@pytest.mark.parametrize("probs, error", BAD_PROBS)
def test_probabilities_are_checked(function, probs, error):
    with pytest.raises(error, match=r"^probs: expected"):
        function(probs)


BAD_FEATURES = [
    ([[0.0, 1.0]], TypeError),
    (torch.randn(8), ValueError),                     # 1-D
    (torch.randn(1, 4), ValueError),                  # a single vector: no covariance
    (torch.full((8, 4), float("inf")), ValueError),   # infinite
    (torch.randint(0, 3, (8, 4)), TypeError),         # integers
]


@pytest.mark.parametrize("which", ["features_a", "features_b"])
@pytest.mark.parametrize("features, error", BAD_FEATURES)
def test_frechet_distance_checks_both_sets(which, features, error):
    arguments = {"features_a": FEATURES, "features_b": FEATURES, which: features}
    with pytest.raises(error, match=rf"^{which}: expected"):
        metrics.frechet_distance(**arguments)


def test_feature_sizes_must_match():
    with pytest.raises(ValueError, match=r"^features_b: expected 4 features"):
        metrics.frechet_distance(FEATURES, torch.randn(8, 3))
    with pytest.raises(ValueError, match=r"^fake: expected 4 features"):
        metrics.precision_recall(FEATURES, torch.randn(8, 3))


@pytest.mark.parametrize("which", ["real", "fake"])
@pytest.mark.parametrize("features, error", BAD_FEATURES)
def test_precision_recall_checks_both_sets(which, features, error):
    arguments = {"real": FEATURES, "fake": FEATURES, which: features}
    with pytest.raises(error, match=rf"^{which}: expected"):
        metrics.precision_recall(**arguments)


@pytest.mark.parametrize("k, error", [(0, ValueError), (-1, ValueError), (2.0, TypeError),
                                      (True, TypeError), (8, ValueError), (20, ValueError)])
def test_precision_recall_k(k, error):
    with pytest.raises(error, match=r"^k: expected"):
        metrics.precision_recall(FEATURES, FEATURES, k=k)
    if error is ValueError and k > 0:  # k must be smaller than the smaller set
        with pytest.raises(ValueError, match=r"^k: expected a whole number smaller"):
            metrics.precision_recall(torch.randn(40, 4), FEATURES, k=k)


def test_numpy_inputs_are_accepted(judge):
    features, probs = metrics.judge_features(judge, DIGITS.numpy(), batch_size=np.int64(4))
    assert features.shape == (6, 128) and probs.shape == (6, 10)
    assert 0 < metrics.mean_confidence(probs.numpy()) <= 1
    assert 1 <= metrics.effective_classes(probs.double().numpy()) <= 10
    assert metrics.frechet_distance(FEATURES.double().numpy(), FEATURES.numpy()) < 1e-6
    precision, recall = metrics.precision_recall(FEATURES.numpy(), FEATURES.numpy(),
                                                 k=np.int64(2))
    assert precision == recall == 1.0
    scores = metrics.score_samples(judge, DIGITS.numpy(), DIGITS.double().numpy())
    assert set(scores) == {"confidence", "effective classes", "Fréchet distance",
                           "precision", "recall"}
