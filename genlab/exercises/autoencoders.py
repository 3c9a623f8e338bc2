"""Exercises of the autoencoder chapters."""

from __future__ import annotations

import torch

from ..language import N_, tr
from . import (Exercise, call, described, integer_problem, number_answer,
               number_from_function, tensor_answer, whole_number)


def _compression_check(answer):
    problem = integer_problem(answer, 98)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 8:
        return tr("8 is the number of latent numbers; the factor is how many pixels each "
                  "stands for.")
    if value == 784:
        return tr("784 is the number of pixels; divide by the 8 latent numbers.")
    advice = tr("Divide the pixels of one digit by the size of the bottleneck.")
    return f"{problem} {advice}"


compression_factor = Exercise(
    N_("A DenseAutoencoder(latent_dim=8) compresses each 28x28 digit by what factor "
       "(pixels per latent number)?"),
    _compression_check,
    hint=N_("A digit has 28 · 28 pixels; the bottleneck holds latent_dim numbers."),
    solution=N_("28 * 28 / 8 = 784 / 8 = 98"),
    praise=N_("each of the 8 latent numbers stands for 98 pixels."))


def _mse_check(function):
    generator = torch.Generator().manual_seed(0)
    for shape in [(4, 1, 28, 28), (1, 1, 3, 3), (7, 1, 28, 28)]:
        a = torch.rand(shape, generator=generator)
        b = torch.rand(shape, generator=generator)
        expected = (a - b).pow(2).mean().item()
        value, problem = number_from_function(
            function, a, b, reduce_hint=N_("take the mean over everything."))
        if problem:
            return problem
        if abs(value - expected) > 1e-5 * max(1.0, expected):
            if abs(value - expected * a.numel()) < 1e-3 * value:
                return tr("that is the squared error summed over the whole batch "
                          "(.sum()): take the mean (.mean()), so that the loss does not "
                          "grow with the batch size or the image size.")
            if abs(value - expected * a[0].numel()) < 1e-3 * value:
                return tr("that is the error summed over the pixels of an image: "
                          "average it.")
            if abs(value - expected ** 0.5) < 1e-5:
                return tr("that is the square root of the mean squared error (RMSE): leave "
                          "out the square root.")
            if abs(value - (a - b).mean().item()) < 1e-6:
                return tr("that is the mean of the differences, where positive and "
                          "negative ones cancel: square each difference before "
                          "averaging.")
            if abs(value - (a - b).abs().mean().item()) < 1e-6:
                return tr("that is the mean absolute difference: square the "
                          "differences.")
            return tr("for two batches of shape {shape} it gives {value:.5f}, expected "
                      "{expected:.5f}.").format(shape=shape, value=value, expected=expected)
    return None


mse_function = Exercise(
    N_("Write reconstruction_mse(images, rebuilt): the mean squared difference per "
       "pixel."),
    _mse_check,
    hint=N_("Subtract, square every difference, then take the mean over all axes."),
    solution=N_("def reconstruction_mse(images, rebuilt):\n"
                "    return ((images - rebuilt) ** 2).mean()\n"
                "# or: torch.nn.functional.mse_loss(rebuilt, images)"),
    praise=N_("that is the loss the autoencoders of this chapter minimise."))


def _encoder_parameters_check(answer):
    expected = 784 * 256 + 256 + 256 * 64 + 64 + 64 * 2 + 2
    problem = integer_problem(answer, expected)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == expected - 256 - 64 - 2:
        return tr("you counted the weights but not the biases (one per output of each "
                  "layer).")
    advice = tr("Each layer has inputs x outputs weights plus one bias per output.")
    return f"{problem} {advice}"


encoder_parameters = Exercise(
    N_("How many learnable parameters does the encoder of DenseAutoencoder(2) have?"),
    _encoder_parameters_check,
    hint=N_("Three linear layers: 784→256, 256→64, 64→2. A layer n→m has n·m weights "
            "and m biases."),
    solution=N_("(784·256 + 256) + (256·64 + 64) + (64·2 + 2) = 200960 + 16448 + 130 "
                "= 217538\n"
                "Check: sum(p.numel() for p in "
                "DenseAutoencoder(2).encoder.parameters())"),
    praise=N_("217,538 — almost all of them in the first layer."))


def _transposed_size_check(answer):
    problem = integer_problem(answer, 12)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 14:
        return tr("you forgot the padding: it removes p pixels on each side (2p in all).")
    advice = tr("Use (n - 1)·s - 2p + k.")
    return f"{problem} {advice}"


transposed_size = Exercise(
    N_("A ConvTranspose2d with kernel 5, stride 3, padding 1 receives a 4x4 input. How "
       "wide is the output?"),
    _transposed_size_check,
    hint=N_("Place 4 stamps 3 pixels apart: the last starts at (4 - 1)·3 and is 5 wide; "
            "then padding trims 1 pixel on each side."),
    solution=N_("(n - 1)·s - 2p + k = 3·3 - 2 + 5 = 12\n"
                "Check: torch.nn.ConvTranspose2d(1, 1, 5, stride=3, padding=1)"
                "(torch.zeros(1, 1, 4, 4)).shape[-1]"),
    praise=N_("12 = (4 - 1)·3 - 2·1 + 5."))


def _by_hand_check(answer):
    got, problem = tensor_answer(answer, (2, 4))
    if problem:
        # a 2 x 3 tensor (stride 1): it passes tensor_answer's checks up to the shape
        as_2x3 = tensor_answer(answer, (2, 3))[1]
        if as_2x3 is None or as_2x3 == tr("the tensor holds NaN or infinite values."):
            return tr("with stride 2 the two stamps do not overlap: the output is 2 x 4.")
        return problem
    expected = torch.tensor([[1.0, 1, 2, 2], [1, 1, 2, 2]])
    if torch.allclose(got, expected):
        return None
    return tr("got {values}; each input value stamps value x kernel, the second one two "
              "pixels to the right.").format(values=got.tolist())


transposed_by_hand = Exercise(
    N_("Stride-2 transposed convolution of [[1, 2]] with the kernel [[1, 1], [1, 1]]."),
    _by_hand_check,
    hint=N_("The 1 stamps 1 x kernel at columns 0-1; the 2 stamps 2 x kernel at "
            "columns 2-3."),
    solution=N_("[[1, 1, 2, 2],\n [1, 1, 2, 2]]\n"
                "Check: F.conv_transpose2d(torch.tensor([[[[1., 2.]]]]), "
                "torch.ones(1, 1, 2, 2), stride=2)"),
    praise=N_("two 2x2 stamps side by side, scaled by 1 and 2."))


def _even_overlap_check(answer):
    problem = integer_problem(answer, 6)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 2:
        return tr("2 is even, but there is a larger one in the list.")
    if value in (3, 5):
        return tr("{value} is not a multiple of the stride 2: its overlaps "
                  "alternate.").format(value=value)
    advice = tr("Look for kernel sizes divisible by the stride.")
    return f"{problem} {advice}"


even_overlap = Exercise(
    N_("For stride 2, which of the kernel sizes 2, 3, 5, 6 gives even overlaps? The "
       "largest."),
    _even_overlap_check,
    hint=N_("Overlaps are even when the kernel size is a multiple of the stride."),
    solution=N_("6 (and 2): the kernel size must be divisible by the stride.\n"
                "Check: F.conv_transpose2d(torch.ones(1, 1, 5, 5), "
                "torch.ones(1, 1, 6, 6), stride=2)"),
    praise=N_("6 is a multiple of the stride, so every inner pixel gets 3 x 3 stamps."))


def _effective_check(answer):
    value, problem = number_answer(answer)
    if problem:
        return problem
    if abs(value - 2.0) < 1e-3:
        return None
    if abs(value - 0.693) < 0.01:
        return tr("that is the entropy itself (ln 2); the effective number is "
                  "exp(entropy).")
    return tr("{value:g} is not it: the histogram is (0.5, 0.5, 0, ..., 0).").format(
        value=value)


effective_classes = Exercise(
    N_("A generator draws only 0s and 1s, equally often. What is its effective number of "
       "classes, exp(entropy of the predicted-class histogram)?"),
    _effective_check,
    hint=N_("Entropy = -Σ p log p over the classes that occur; here two classes with "
            "p = 0.5."),
    solution=N_("entropy = -(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2, so exp(ln 2) = 2\n"
                "Check: genlab.metrics.effective_classes("
                "torch.eye(10)[torch.arange(100) % 2])"),
    praise=N_("two equally common classes count as exactly 2."))


def _fit_check(function):
    g = torch.Generator().manual_seed(0)
    latents = torch.randn(500, 3, generator=g) @ torch.tensor(
        [[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]]) + 2
    result, problem = call(function, latents.clone())
    if problem:
        return problem
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return tr("expected two things, (mean, covariance), got {found}: return mean, "
                  "covariance.").format(found=described(result))
    mean, problem = tensor_answer(result[0], (3,), what=N_("a mean with one entry per "
                                  "latent dimension, shape (3,)"), computed=True)
    if problem:
        return tr("the mean: {problem}").format(problem=problem)
    cov, problem = tensor_answer(result[1], (3, 3), what=N_("a 3 x 3 covariance for 3 "
                                 "dimensions"), computed=True)
    if problem:
        return tr("the covariance: {problem}").format(problem=problem)
    if not torch.allclose(mean, latents.mean(0), atol=1e-4):
        return tr("the mean is off: average over the data points (dim=0).")
    if torch.allclose(cov, torch.diag(latents.var(0)), atol=1e-3):
        return tr("that is only the diagonal (the variances); keep the covariances too.")
    if not torch.allclose(cov, torch.cov(latents.T), atol=1e-3):
        return tr("the covariance is off: torch.cov expects one variable per row "
                  "(latents.T).")
    return None


fit_gaussian = Exercise(
    N_("Write fit(latents) returning (mean, covariance) of latents shaped (N, d)."),
    _fit_check,
    hint=N_("The mean over dim 0; torch.cov wants one variable per row, so pass "
            "latents.T."),
    solution=N_("def fit(latents):\n    return latents.mean(0), torch.cov(latents.T)"),
    praise=N_("that is the Gaussian genlab.latent.LatentGaussian.fit uses."))


def _kl_check(answer):
    value, problem = number_answer(answer)
    if problem:
        return problem
    if abs(value - 0.5) < 1e-3:
        return None
    if abs(value - 1.0) < 1e-3:
        return tr("you are missing the factor 1/2 in front.")
    return tr("{value:g} is not it. Use KL = ½(μ² + σ² - 1 - ln σ²) with μ = 1, "
              "σ = 1.").format(value=value)


kl_divergence = Exercise(
    N_("What is the KL divergence of N(1, 1) from N(0, 1) (one latent dimension)?"),
    _kl_check,
    hint=N_("KL(N(μ, σ²) || N(0, 1)) = ½(μ² + σ² - 1 - ln σ²)."),
    solution=N_("½(1² + 1 - 1 - ln 1) = ½ · 1 = 0.5"),
    praise=N_("moving the mean by one standard deviation costs 0.5 nats."))
