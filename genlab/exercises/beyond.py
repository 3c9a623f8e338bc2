"""Exercises of the last part: style-based generators, diffusion, the yardstick."""

from __future__ import annotations

import torch

from ..language import N_, tr
from . import Exercise, call, real_number, tensor_answer
from .gans import _close_to


def _adain_check(answer):
    pair, problem = tensor_answer(answer, (2,), what=N_("a pair of numbers (mean, spread)"))
    if problem:
        return problem
    mean, spread = pair.tolist()
    if abs(mean - (-1)) < 1e-6 and abs(spread - 1.5) < 1e-6:
        return None
    if abs(mean - 0.5) < 1e-6 or abs(spread - 3) < 1e-6:
        return tr("AdaIN first normalises the channel (mean 0, spread 1): the old mean 3 "
                  "and spread 2 are wiped out before the style is applied.")
    if abs(spread - 0.5) < 1e-6:
        return tr("the layer multiplies by 1 + scale, not by scale.")
    return tr("normalise to mean 0 and spread 1, multiply by 1 + scale, add shift.")


adain_statistics = Exercise(
    N_("A channel has mean 3 and spread 2. AdaIN applies scale = 0.5 and shift = -1 "
       "(multiplying by 1 + scale). What are the channel's (mean, spread) afterwards?"),
    _adain_check,
    hint=N_("After the normalisation the channel has mean 0 and spread 1, whatever it "
            "had."),
    solution=N_("(-1, 1.5): normalised to mean 0 and spread 1, then multiplied by 1.5 and "
                "shifted by -1. The style alone decides the statistics."),
    praise=N_("(-1, 1.5) — the layer's own statistics are gone; the style set them."))


truncation_distance = Exercise(
    N_("A style is w = w_avg + d. After truncation with psi = 0.7, how far is it from "
       "w_avg, as a fraction of |d|?"),
    _close_to(0.7, explain=N_("Truncation gives w_avg + psi (w - w_avg) = w_avg + psi d.")),
    hint=N_("Write the truncated style as w_avg + psi (w - w_avg) and subtract w_avg."),
    solution=N_("0.7: truncation shrinks every style's distance from the average by the "
                "factor psi, in every direction at once."),
    praise=N_("0.7 — every style moves 30% of the way to the average."))


def _mix_check(function):
    coarse, fine = torch.arange(4.0), -torch.arange(4.0) - 1
    for crossover in (0, 2, 4, 6):
        result, problem = call(function, coarse.clone(), fine.clone(), crossover)
        if problem:
            return problem
        result, problem = tensor_answer(result, (6, 4),
                                        what=N_("styles shaped (6, 4) for styles of size 4 "
                                                "(one row per styled layer)"),
                                        computed=True)
        if problem:
            return tr("with crossover {crossover}: {problem}").format(crossover=crossover,
                                                                       problem=problem)
        expected = torch.stack([coarse if i < crossover else fine for i in range(6)])
        if not torch.equal(result, expected):
            swapped = torch.stack([fine if i < crossover else coarse for i in range(6)])
            if torch.equal(result, swapped):
                return tr("coarse and fine are swapped: layers below the crossover take "
                          "coarse.")
            return tr("with crossover {crossover} the rows differ from what was "
                      "expected.").format(crossover=crossover)
    return None


mix_styles = Exercise(
    N_("Write mix_styles(coarse, fine, crossover): per-layer styles shaped (6, style_dim), "
       "layers below crossover from coarse, the others from fine."),
    _mix_check,
    hint=N_("torch.stack([coarse if layer < crossover else fine for layer in range(6)])."),
    solution=N_("def mix_styles(coarse, fine, crossover):\n"
                "    return torch.stack([coarse if layer < crossover else fine\n"
                "                        for layer in range(6)])"),
    praise=N_("that is what StyleGenerator.mix does, for a whole batch at once."))


noisy_pixel = Exercise(
    N_("A pixel of a digit has value x0 = 0.6 (in [-1, 1]); its noise is e = -1.0. What is "
       "the pixel at noise level t = 0.25 of the forward process?"),
    _close_to(0.2, tolerance=1e-3, explain=N_("x_t = (1 - t) x0 + t e.")),
    hint=N_("x_t = (1 - t) x0 + t e, with t = 0.25."),
    solution=N_("0.75 * 0.6 + 0.25 * (-1.0) = 0.45 - 0.25 = 0.2"),
    praise=N_("0.2: a quarter of the way from the digit to its noise."))


def _clean_guess_check(function):
    generator = torch.Generator().manual_seed(0)
    x0 = torch.rand(3, 1, 28, 28, generator=generator) * 2 - 1
    noise = torch.randn(3, 1, 28, 28, generator=generator)
    for t in (0.2, 0.7):
        noisy = (1 - t) * x0 + t * noise
        guess, problem = call(function, noisy.clone(), (noise - x0).clone(), t)
        if problem:
            return problem
        guess, problem = tensor_answer(  # x0 is (3, 1, 28, 28)
            guess, tuple(x0.shape), what=N_("a tensor shaped (3, 1, 28, 28), like noisy"),
            computed=True)
        if problem:
            return tr("at t = {t}: {problem}").format(t=t, problem=problem)
        if not torch.allclose(guess, x0, atol=1e-5):
            if torch.allclose(guess, noisy + t * (noise - x0), atol=1e-5):
                return tr("the sign is flipped: the velocity points towards the noise.")
            return tr("at t = {t} the guess is not the digit the noisy image was made "
                      "from.").format(t=t)
    return None


clean_guess = Exercise(
    N_("Write clean_guess(noisy, velocity, t): the digit x0 that the noisy image "
       "x_t = (1 - t) x0 + t e implies, given the velocity v = e - x0."),
    _clean_guess_check,
    hint=N_("x_t = x0 + t (e - x0) = x0 + t v. Solve for x0."),
    solution=N_("def clean_guess(noisy, velocity, t):\n"
                "    return noisy - t * velocity"),
    praise=N_("one jump from any noise level to a guess of the digit: a single Euler step "
              "to t = 0 is exactly this."))


sampling_cost = Exercise(
    N_("Drawing a digit costs the diffusion model one pass of its network per step; the "
       "network takes 0.4 ms per digit, a GAN's generator 0.02 ms. With 20 steps and no "
       "guidance, how many times longer than the GAN does the diffusion model take per "
       "digit?"),
    _close_to(400.0, explain=N_("20 passes of 0.4 ms, against one pass of 0.02 ms.")),
    hint=N_("Diffusion: 20 x 0.4 ms. GAN: 1 x 0.02 ms. Divide."),
    solution=N_("20 x 0.4 = 8 ms against 0.02 ms: 400 times. Diffusion buys its quality "
                "with time at drawing; fewer steps buy speed back at a cost in quality."),
    praise=N_("400 times: the price of walking from noise to digit in many small steps."))


def _guided_check(answer):
    value = real_number(answer)
    if value is not None and abs(value - 0.4) < 1e-6:
        return tr("0.4 is the labelled velocity alone, w = 1. Guidance with w = 2 goes "
                  "further.")
    if value is not None and abs(value - 0.9) < 1e-6:
        return tr("that is v_none + w v_label. Guidance scales the *difference* between "
                  "the two velocities.")
    return _close_to(0.7, explain=N_("v_none + w (v_label - v_none)."))(answer)


guided_velocity = Exercise(
    N_("At one pixel the denoiser's velocity without a label is 0.1 and with the label "
       "0.4. With guidance w = 2, what velocity does the sampler follow?"),
    _guided_check,
    hint=N_("v = v_none + w (v_label - v_none): start from the unlabelled velocity and go "
            "w times the step that the label adds."),
    solution=N_("0.1 + 2 x (0.4 - 0.1) = 0.7. The label's pull is doubled: what makes this "
                "digit this digit is exaggerated."),
    praise=N_("0.7 — twice the label's pull, on top of the unlabelled guess."))


def _two_digits_check(answer):
    value = real_number(answer)
    if value is not None and abs(value - 10) < 1e-6:
        return tr("10 would mean all ten digits equally often. This generator draws only "
                  "two digits.")
    return _close_to(2.0, explain=N_("exp of the entropy of a 50/50 split."))(answer)


two_digits = Exercise(
    N_("A generator draws perfect 3s and perfect 8s, half and half, and nothing else. What "
       "is its effective number of classes?"),
    _two_digits_check,
    hint=N_("exp(-Σ p ln p) over the ten digits, with p = 0.5 for two of them."),
    solution=N_("exp(-(0.5 ln 0.5 + 0.5 ln 0.5)) = exp(ln 2) = 2. Its confidence is "
                "perfect; its coverage is two digits of ten."),
    praise=N_("2 — confidence alone would never have noticed."))


def _copier_check(answer):
    if not isinstance(answer, str):
        return tr("expected the word 'precision' or 'recall', got {answer}.").format(
            answer=repr(answer))
    word = answer.strip().lower()
    if word == "precision":
        return None
    if word == "recall":
        return tr("a copy of a real digit lies inside the real digits' neighbourhoods, "
                  "so the copies are all 'real-looking'; what is missing is the rest of "
                  "the data.")
    return tr("answer with 'precision' or 'recall'.")


memoriser = Exercise(
    N_("A 'generator' returns exact copies of 100 training digits, chosen at random. "
       "Which of precision and recall comes out high?"),
    _copier_check,
    hint=N_("Precision: do the fakes lie among real digits? Recall: do real digits lie "
            "among the fakes?"),
    solution=N_("Precision: every copy is a real digit. Recall stays low, since 100 "
                "digits cannot cover the variety of the 1,000 test digits. No single "
                "measure catches a copier; the pair does."),
    praise=N_("precision — which is why recall stands beside it."))
