"""Exercises of the GAN chapters: adversarial training, and why it is unstable."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..language import N_, tr
from . import (Exercise, number_answer, number_from_function, real_number,
               too_large_or_small)


def _close_to(expected: float, *, tolerance: float = 0.01, explain: str = ""):
    """``explain`` is English, marked with ``N_``."""
    def check(answer):
        value, problem = number_answer(answer)
        if problem:
            return problem
        if abs(value - expected) <= tolerance * max(1.0, abs(expected)):
            return None
        message = too_large_or_small(value, expected)
        return f"{message} {tr(explain)}" if explain else message
    return check


def _confused_loss_check(answer):
    value = real_number(answer)
    if value is not None and abs(value - math.log(2)) < 0.01:
        return tr("that is the loss on one image; the discriminator's loss adds its "
                  "loss on a real digit and on a fake.")
    if value is not None and abs(value - 0.5) < 0.01:
        return tr("0.5 is the discriminator's output; the loss is a negative logarithm "
                  "of it.")
    return _close_to(2 * math.log(2),
                     explain=N_("Add -log D(x) for the real digit and -log(1 - D(G(z))) "
                                "for the fake."))(answer)


confused_discriminator = Exercise(
    N_("A discriminator that cannot tell real from fake says D = 0.5 for every image. "
       "What is its loss (the binary cross-entropy on a real digit plus that on a fake)?"),
    _confused_loss_check,
    hint=N_("A real digit costs -log D(x); a fake costs -log(1 - D(G(z))). Both are "
            "0.5."),
    solution=N_("-log(0.5) - log(1 - 0.5) = 2 log 2 ≈ 1.386 — the value the "
                "discriminator's loss hovers around when the two players are balanced."),
    praise=N_("2 ln 2 ≈ 1.386: when the discriminator's loss sits there, it is guessing."))


def _generator_loss_check(function):
    generator = torch.Generator().manual_seed(0)
    for n in (1, 5, 64):
        logits = torch.randn(n, generator=generator) * 3
        expected = F.binary_cross_entropy_with_logits(logits, torch.ones(n)).item()
        value, problem = number_from_function(
            function, logits.clone(), reduce_hint=N_("take the mean over the batch."))
        if problem:
            return problem
        if abs(value - expected) <= 1e-4 * max(1.0, abs(expected)):
            continue
        saturating = torch.log1p(-torch.sigmoid(logits)).mean().item()
        if abs(value - saturating) < 1e-4 * max(1.0, abs(saturating)):
            return tr("that is the saturating loss log(1 - D(G(z))): its gradient "
                      "vanishes when the discriminator wins. Use -log D(G(z)).")
        if abs(value + expected) < 1e-4 * max(1.0, expected):
            return tr("the sign is flipped: the generator minimises -log D(G(z)).")
        probability = -torch.log(logits).mean().item() if (logits > 0).all() else None
        if probability is not None and abs(value - probability) < 1e-4:
            return tr("the inputs are logits, not probabilities: apply torch.sigmoid "
                      "first.")
        return tr("for {n} logits it gives {value:.5f}, expected {expected:.5f}.").format(
            n=n, value=value, expected=expected)
    return None


generator_loss = Exercise(
    N_("Write generator_loss(fake_logits): the non-saturating generator loss, the mean "
       "of -log D(G(z)), from the discriminator's logits on a batch of fakes."),
    _generator_loss_check,
    hint=N_("D(G(z)) = torch.sigmoid(fake_logits). Or: it is the binary cross-entropy of "
            "the fakes against the label 'real' (1)."),
    solution=N_("def generator_loss(fake_logits):\n"
                "    return -torch.log(torch.sigmoid(fake_logits)).mean()\n"
                "# numerically safer, the same value:\n"
                "# F.binary_cross_entropy_with_logits(fake_logits, "
                "torch.ones_like(fake_logits))"),
    praise=N_("that is genlab.adversarial.generator_loss, the loss of every GAN in this "
              "book."))


optimal_discriminator = Exercise(
    N_("At some image x, real digits have density 0.3 and the generator's fakes density "
       "0.1. What does the best possible discriminator output there, D*(x)?"),
    _close_to(0.75, explain=N_("The best discriminator says how much of the density at "
                               "x is real: p_real / (p_real + p_fake).")),
    hint=N_("Goodfellow et al. (2014): D*(x) = p_real(x) / (p_real(x) + p_fake(x))."),
    solution=N_("0.3 / (0.3 + 0.1) = 0.75. Where the generator matches the data exactly, "
                "D* = 0.5 everywhere: the discriminator can only guess."),
    praise=N_("D* = 0.75; it falls to 0.5 once the generator draws as often as the data."))


push_ratio = Exercise(
    N_("The discriminator says D(G(z)) = 0.01 for a fake. With respect to the logit, the "
       "saturating loss log(1 - D) has gradient -D and the non-saturating loss -log D has "
       "gradient -(1 - D). How many times stronger is the non-saturating push?"),
    _close_to(99.0, explain=N_("Divide (1 - D) by D at D = 0.01.")),
    hint=N_("Divide the non-saturating gradient, (1 - D), by the saturating one, D, at "
            "D = 0.01."),
    solution=N_("0.99 / 0.01 = 99: where the discriminator is sure, the saturating loss "
                "whispers and the non-saturating loss still shouts."),
    praise=N_("99 times: that is why every GAN here uses the non-saturating loss."))


def _collapse_check(answer):
    expected = math.exp(-(0.7 * math.log(0.7) + 0.3 * math.log(0.3)))
    value = real_number(answer)
    if value is not None and abs(value - 2) < 0.01:
        return tr("2 would mean both digits equally often; a 70/30 split is less "
                  "varied. Compute exp(entropy).")
    return _close_to(expected, explain=N_("exp(-(0.7 ln 0.7 + 0.3 ln 0.3))."))(answer)


collapse_meter = Exercise(
    N_("A collapsing generator draws 1s 70% of the time and 7s 30% of the time (the "
       "judge agrees). What is its effective number of classes?"),
    _collapse_check,
    hint=N_("exp of the entropy of the class shares: exp(-Σ p ln p)."),
    solution=N_("exp(-(0.7 ln 0.7 + 0.3 ln 0.3)) = exp(0.611) ≈ 1.84"),
    praise=N_("about 1.84 — fewer than two, because the split is uneven."))


smoothed_target = Exercise(
    N_("With one-sided label smoothing, real digits are labelled 0.9 instead of 1. Which "
       "output D(x) on a real digit now gives the discriminator its lowest loss?"),
    _close_to(0.9, explain=N_("The cross-entropy -0.9 log D - 0.1 log(1 - D) is lowest "
                              "where D equals the target.")),
    hint=N_("Binary cross-entropy against a target t is lowest at D = t."),
    solution=N_("0.9: the discriminator gains nothing by being more than 90% sure, so its "
                "logits on real digits stop growing and its gradients to the generator "
                "stay useful."),
    praise=N_("0.9 — the discriminator is no longer rewarded for certainty."))


def _penalty_critic() -> torch.nn.Module:
    """A small fixed critic whose gradient differs from image to image, with norms
    around 1, so every likely slip gives a different number."""
    torch.manual_seed(7)  # the global generator is restored by the caller
    critic = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 8),
                                 torch.nn.Tanh(), torch.nn.Linear(8, 1),
                                 torch.nn.Flatten(0))
    with torch.no_grad():
        critic[1].weight.mul_(4.0)
    for parameter in critic.parameters():
        parameter.requires_grad_(False)
    return critic


def _penalty_slips(critic, between):
    """The penalty, and the likely wrong answers beside it, for the messages."""
    with torch.enable_grad():
        x = between.clone().requires_grad_(True)
        grad, = torch.autograd.grad(critic(x).sum(), x)
    norms = grad.flatten(1).norm(dim=1)
    n = len(between)
    return {
        "one norm for the whole batch": ((grad.norm() - 1) ** 2).item(),
        "the squared norm": ((norms ** 2 - 1) ** 2).mean().item(),
        "without the square": (norms - 1).mean().item(),
        "the distance from 1, not squared": (norms - 1).abs().mean().item(),
        "a sum over the images": ((norms - 1) ** 2).sum().item(),
        "one-sided": (torch.clamp(norms - 1, min=0) ** 2).mean().item(),
        "the gradient of the mean score": ((norms / n - 1) ** 2).mean().item(),
    }


_SLIP_ADVICE = {
    "one norm for the whole batch": N_("that is one norm for the whole batch: take one "
                                       "norm per image, grad.flatten(1).norm(dim=1)."),
    "the squared norm": N_("that uses the squared norm: take the norm itself (the "
                           "square root of the sum of squares) before subtracting 1."),
    "without the square": N_("square each image's distance from 1 before the mean: "
                             "(norms - 1) ** 2."),
    "the distance from 1, not squared": N_("square each image's distance from 1 instead "
                                           "of taking its absolute value."),
    "a sum over the images": N_("that is the sum over the images: take the mean."),
    "one-sided": N_("that penalises only norms above 1 (the one-sided variant); WGAN-GP "
                    "asks for norm 1 from both sides."),
    "the gradient of the mean score": N_("differentiate the sum of the scores, not their "
                                         "mean: the mean divides every image's gradient "
                                         "by the batch size."),
}


def _gradient_penalty_check(function):
    from ..adversarial import gradient_penalty as package_penalty

    state = torch.get_rng_state()
    try:
        critic = _penalty_critic()
        points = torch.Generator().manual_seed(0)
        for n in (5, 16):
            between = torch.rand(n, 1, 28, 28, generator=points) * 2 - 1
            # real = fake = between: the penalty is then taken at these very points
            expected = package_penalty(critic, between, between).item()
            value, problem = number_from_function(
                function, critic, between.clone().requires_grad_(True),
                reduce_hint=N_("take the mean over the images."))
            if problem:
                return problem
            if abs(value - expected) <= 1e-4 * max(1.0, abs(expected)):
                continue
            for slip, wrong in _penalty_slips(critic, between).items():
                if abs(value - wrong) <= 1e-4 * max(1.0, abs(wrong)):
                    return tr(_SLIP_ADVICE[slip])
            return tr("for {n} images it gives {value:.5f}, expected "
                      "{expected:.5f}.").format(n=n, value=value, expected=expected)
        return None
    finally:
        torch.set_rng_state(state)


gradient_penalty = Exercise(
    N_("Write gradient_penalty(critic, between): for a batch of images between, shaped "
       "(N, 1, 28, 28) — points between real digits and fakes, with requires_grad already "
       "on — return the mean over the images of (‖∇C‖₂ − 1)², where ∇C is the gradient "
       "of the critic's score for an image with respect to that image's pixels."),
    _gradient_penalty_check,
    hint=N_("torch.autograd.grad(critic(between).sum(), between) gives every image's "
            "gradient at once (each score depends on its own image only); "
            "grad.flatten(1).norm(dim=1) is then one norm per image."),
    solution=N_("def gradient_penalty(critic, between):\n"
                "    grad, = torch.autograd.grad(critic(between).sum(), between)\n"
                "    norms = grad.flatten(1).norm(dim=1)  # one per image\n"
                "    return ((norms - 1) ** 2).mean()\n"
                "# In training, add create_graph=True: the penalty is then differentiated\n"
                "# once more, with respect to the critic's weights."),
    praise=N_("that is the penalty of genlab.adversarial.gradient_penalty, taken at the "
              "points you were given."))
