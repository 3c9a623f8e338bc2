"""How good are generated digits? Measured by the judge (``genlab.judge``).

* :func:`mean_confidence` — does each image look like *some* digit? The judge's mean
  top-class probability (real digits score about 0.99).
* :func:`effective_classes` — are all ten digits there? ``exp`` of the entropy of the
  histogram of predicted classes: 10 when every digit is equally common, 1 when every
  image is the same digit. The meter for mode collapse.
* :func:`frechet_distance` — do the images resemble real digits *as a set*? The
  Fréchet distance between Gaussians fitted to the judge's 128 penultimate features of
  the two sets (FID's recipe, with the digit judge in place of Inception). Always
  report it beside the real-versus-real baseline: two samples of real digits differ too.
* :func:`precision_recall` — Kynkäänniemi et al. (2019): the share of generated images
  inside the k-NN manifold of real ones (precision, quality) and of real images inside
  the manifold of generated ones (recall, coverage).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from .checks import (check_count, check_digits, check_finite, check_float, check_model,
                     check_tensor)
from .frame import batched, on_device

NEIGHBOURS = 3
"""The ``k`` of :func:`precision_recall` in :func:`score_samples`: each set needs more
images than this."""


def _check_probabilities(probs: Any, name: str = "probs") -> torch.Tensor:
    """Class probabilities ``(N, classes)``: finite, each row summing to 1."""
    p = check_tensor(probs, name)
    if p.ndim != 2 or p.numel() == 0:
        raise ValueError(f"{name}: expected class probabilities shaped (N, classes), "
                         f"found {tuple(p.shape)}")
    p = check_finite(check_float(p, name, what="probabilities"), name)
    sums = p.sum(1)
    if not torch.allclose(sums, torch.ones_like(sums), atol=1e-3) or p.min() < -1e-6:
        raise ValueError(f"{name}: expected probabilities in [0, 1] whose rows sum to 1, "
                         f"found rows summing to {sums.min().item():.4g} to "
                         f"{sums.max().item():.4g} and values from {p.min().item():.4g}; "
                         "apply torch.softmax(logits, dim=1) first")
    return p


def _check_features(features: Any, name: str) -> torch.Tensor:
    """A feature set ``(N, d)``: finite, with at least two rows (a spread)."""
    f = check_tensor(features, name)
    if f.ndim != 2 or f.shape[1] == 0:
        raise ValueError(f"{name}: expected features shaped (N, d), found {tuple(f.shape)}")
    if len(f) < 2:
        raise ValueError(f"{name}: expected at least 2 feature vectors, found {len(f)}")
    return check_finite(check_float(f, name, what="features"), name)


def _check_same_size(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{name_b}: expected {a.shape[1]} features per image, as in "
                         f"{name_a}, found {b.shape[1]} (the feature sizes differ)")


def _check_judge(judge: Any) -> nn.Module:
    return check_model(judge, "judge", needs=("features", "classify"))


def mean_confidence(probs: torch.Tensor) -> float:
    """Mean of the largest class probability per image."""
    probs = _check_probabilities(probs)
    return probs.max(1).values.mean().item()


def effective_classes(probs: torch.Tensor) -> float:
    """``exp(entropy)`` of the predicted-class histogram: 1 (one class) ... classes."""
    probs = _check_probabilities(probs)
    share = torch.bincount(probs.argmax(1), minlength=probs.shape[1]).double() / len(probs)
    nonzero = share[share > 0]
    return math.exp(-(nonzero * nonzero.log()).sum().item())


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets ``(N, d)`` (at
    least two vectors each, of the same size ``d``).

    ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))``, computed in float64 with
    the symmetric form ``tr((S_a^(1/2) S_b S_a^(1/2))^(1/2))`` so that no complex
    square root is needed.
    """
    features_a = _check_features(features_a, "features_a")
    features_b = _check_features(features_b, "features_b")
    _check_same_size(features_a, features_b, "features_a", "features_b")
    a, b = features_a.double(), features_b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    values, vectors = torch.linalg.eigh(cov_a)
    sqrt_a = vectors @ torch.diag(values.clamp_min(0).sqrt()) @ vectors.T
    cross = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a).clamp_min(0).sqrt().sum()
    distance = (mu_a - mu_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * cross
    return max(distance.item(), 0.0)


def _kth_neighbour_radius(features: torch.Tensor, k: int) -> torch.Tensor:
    distances = torch.cdist(features, features)
    return distances.kthvalue(k + 1, dim=1).values  # +1: each point is its own nearest


def precision_recall(real: torch.Tensor, fake: torch.Tensor,
                     k: int = NEIGHBOURS) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al., 2019) on feature sets
    ``(N, d)`` of the same size ``d``, each with more than ``k`` vectors."""
    real, fake = _check_features(real, "real"), _check_features(fake, "fake")
    _check_same_size(real, fake, "real", "fake")
    k = check_count(k, "k")
    if k >= min(len(real), len(fake)):
        raise ValueError(f"k: expected a whole number smaller than each set ({len(real)} "
                         f"real, {len(fake)} fake feature vectors), found {k}")
    real, fake = real.double(), fake.double()
    real_radius, fake_radius = _kth_neighbour_radius(real, k), _kth_neighbour_radius(fake, k)
    fake_to_real = torch.cdist(fake, real)
    precision = (fake_to_real <= real_radius[None]).any(1).double().mean().item()
    recall = (fake_to_real.T <= fake_radius[None]).any(1).double().mean().item()
    return precision, recall


def judge_features(judge: nn.Module, images: torch.Tensor,
                   batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """The judge's penultimate features and class probabilities for ``images``, digits
    in [0, 1] (computed on :func:`~genlab.runtime.pick_device`, returned on the CPU;
    the judge's device and mode are kept)."""
    judge = _check_judge(judge)
    images = check_digits(images, "images")
    batch_size = check_count(batch_size, "batch_size")

    def features_and_probabilities(x):
        f = judge.features(x)
        return f, torch.softmax(judge.classify(f), dim=1)

    with on_device(judge):
        return batched(features_and_probabilities, judge, images, batch_size=batch_size)


def _check_scored(images: Any, name: str) -> torch.Tensor:
    """Digits in [0, 1], more than :data:`NEIGHBOURS` of them."""
    images = check_digits(images, name)
    if len(images) <= NEIGHBOURS:
        raise ValueError(f"{name}: expected more than {NEIGHBOURS} digits (precision and "
                         f"recall compare each with its {NEIGHBOURS} nearest neighbours), "
                         f"found {len(images)}")
    return images


def score_samples(judge: nn.Module, samples: torch.Tensor,
                  real: torch.Tensor) -> dict[str, float]:
    """Every measure at once: confidence, effective classes, Fréchet distance,
    precision and recall of ``samples`` against ``real`` digits (both in [0, 1], more
    than :data:`NEIGHBOURS` of each)."""
    judge = _check_judge(judge)
    samples, real = _check_scored(samples, "samples"), _check_scored(real, "real")
    fake_features, fake_probs = judge_features(judge, samples)
    real_features, _ = judge_features(judge, real)
    precision, recall = precision_recall(real_features, fake_features)
    return {"confidence": mean_confidence(fake_probs),
            "effective classes": effective_classes(fake_probs),
            "Fréchet distance": frechet_distance(real_features, fake_features),
            "precision": precision, "recall": recall}
