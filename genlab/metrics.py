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

import torch
from torch import nn

from .frame import batched, on_device
from .models.cnn import check_digit_batch, check_unit_range


def _check_probabilities(probs: torch.Tensor) -> None:
    if probs.ndim != 2 or not torch.allclose(probs.sum(1), torch.ones(len(probs)),
                                             atol=1e-3):
        raise ValueError("expected class probabilities shaped (N, classes) whose rows "
                         "sum to 1 (apply softmax to logits first)")


def mean_confidence(probs: torch.Tensor) -> float:
    """Mean of the largest class probability per image."""
    _check_probabilities(probs)
    return probs.max(1).values.mean().item()


def effective_classes(probs: torch.Tensor) -> float:
    """``exp(entropy)`` of the predicted-class histogram: 1 (one class) ... classes."""
    _check_probabilities(probs)
    share = torch.bincount(probs.argmax(1), minlength=probs.shape[1]).double() / len(probs)
    nonzero = share[share > 0]
    return math.exp(-(nonzero * nonzero.log()).sum().item())


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets ``(N, d)``.

    ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))``, computed in float64 with
    the symmetric form ``tr((S_a^(1/2) S_b S_a^(1/2))^(1/2))`` so that no complex
    square root is needed.
    """
    for f in (features_a, features_b):
        if f.ndim != 2 or len(f) < 2:
            raise ValueError(f"expected features shaped (N >= 2, d), got {tuple(f.shape)}")
    if features_a.shape[1] != features_b.shape[1]:
        raise ValueError(f"feature sizes differ: {features_a.shape[1]} and "
                         f"{features_b.shape[1]}")
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
                     k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al., 2019) on feature sets."""
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"need more than k={k} images in each set")
    real, fake = real.double(), fake.double()
    real_radius, fake_radius = _kth_neighbour_radius(real, k), _kth_neighbour_radius(fake, k)
    fake_to_real = torch.cdist(fake, real)
    precision = (fake_to_real <= real_radius[None]).any(1).double().mean().item()
    recall = (fake_to_real.T <= fake_radius[None]).any(1).double().mean().item()
    return precision, recall


def judge_features(judge: nn.Module, images: torch.Tensor,
                   batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """The judge's penultimate features and class probabilities for ``images``
    (computed on :func:`~genlab.runtime.pick_device`, returned on the CPU)."""
    check_digit_batch(images)
    check_unit_range(images)

    def features_and_probabilities(x):
        f = judge.features(x)
        return f, torch.softmax(judge.classify(f), dim=1)

    with on_device(judge):
        return batched(features_and_probabilities, judge, images, batch_size=batch_size)


def score_samples(judge: nn.Module, samples: torch.Tensor,
                  real: torch.Tensor) -> dict[str, float]:
    """Every measure at once: confidence, effective classes, Fréchet distance,
    precision and recall of ``samples`` against ``real`` digits."""
    fake_features, fake_probs = judge_features(judge, samples)
    real_features, _ = judge_features(judge, real)
    precision, recall = precision_recall(real_features, fake_features)
    return {"confidence": mean_confidence(fake_probs),
            "effective classes": effective_classes(fake_probs),
            "Fréchet distance": frechet_distance(real_features, fake_features),
            "precision": precision, "recall": recall}
