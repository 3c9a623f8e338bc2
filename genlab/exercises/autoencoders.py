"""Exercises of the autoencoder chapters."""

from __future__ import annotations

import torch

from ..checks import summary
from . import (Exercise, call, integer_problem, number_answer, number_from_function,
               tensor_answer, whole_number)


def _compression_check(answer):
    problem = integer_problem(answer, 98)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 8:
        return "8 is the number of latent numbers; the factor is how many pixels each stands for."
    if value == 784:
        return "784 is the number of pixels; divide by the 8 latent numbers."
    return f"{problem} Divide the pixels of one digit by the size of the bottleneck."


compression_factor = Exercise(
    "A DenseAutoencoder(latent_dim=8) compresses each 28x28 digit by what factor "
    "(pixels per latent number)?",
    _compression_check,
    hint="A digit has 28 · 28 pixels; the bottleneck holds latent_dim numbers.",
    solution="28 * 28 / 8 = 784 / 8 = 98",
    praise="each of the 8 latent numbers stands for 98 pixels.")


def _mse_check(function):
    generator = torch.Generator().manual_seed(0)
    for shape in [(4, 1, 28, 28), (1, 1, 3, 3), (7, 1, 28, 28)]:
        a, b = torch.rand(shape, generator=generator), torch.rand(shape, generator=generator)
        expected = (a - b).pow(2).mean().item()
        value, problem = number_from_function(function, a, b,
                                             reduce_hint="take the mean over everything.")
        if problem:
            return problem
        if abs(value - expected) > 1e-5 * max(1.0, expected):
            if abs(value - expected * a.numel()) < 1e-3 * value:
                return ("that is the squared error summed over the whole batch (.sum()): "
                        "take the mean (.mean()), so that the loss does not grow with the "
                        "batch size or the image size.")
            if abs(value - expected * a[0].numel()) < 1e-3 * value:
                return "that is the error summed over the pixels of an image: average it."
            if abs(value - expected ** 0.5) < 1e-5:
                return ("that is the square root of the mean squared error (RMSE): leave "
                        "out the square root.")
            if abs(value - (a - b).mean().item()) < 1e-6:
                return ("that is the mean of the differences, where positive and negative "
                        "ones cancel: square each difference before averaging.")
            if abs(value - (a - b).abs().mean().item()) < 1e-6:
                return "that is the mean absolute difference: square the differences."
            return f"for two batches of shape {shape} it gives {value:.5f}, expected {expected:.5f}."
    return None


mse_function = Exercise(
    "Write reconstruction_mse(images, rebuilt): the mean squared difference per pixel.",
    _mse_check,
    hint="Subtract, square every difference, then take the mean over all axes.",
    solution="def reconstruction_mse(images, rebuilt):\n"
             "    return ((images - rebuilt) ** 2).mean()\n"
             "# or: torch.nn.functional.mse_loss(rebuilt, images)",
    praise="that is the loss the autoencoders of this chapter minimise.")


def _encoder_parameters_check(answer):
    expected = 784 * 256 + 256 + 256 * 64 + 64 + 64 * 2 + 2
    problem = integer_problem(answer, expected)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == expected - 256 - 64 - 2:
        return "you counted the weights but not the biases (one per output of each layer)."
    return f"{problem} Each layer has inputs x outputs weights plus one bias per output."


encoder_parameters = Exercise(
    "How many learnable parameters does the encoder of DenseAutoencoder(2) have?",
    _encoder_parameters_check,
    hint="Three linear layers: 784→256, 256→64, 64→2. A layer n→m has n·m weights and m biases.",
    solution="(784·256 + 256) + (256·64 + 64) + (64·2 + 2) = 200960 + 16448 + 130 = 217538\n"
             "Check: sum(p.numel() for p in DenseAutoencoder(2).encoder.parameters())",
    praise="217,538 — almost all of them in the first layer.")


def _transposed_size_check(answer):
    problem = integer_problem(answer, 12)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 14:
        return "you forgot the padding: it removes p pixels on each side (2p in all)."
    return f"{problem} Use (n - 1)·s - 2p + k."


transposed_size = Exercise(
    "A ConvTranspose2d with kernel 5, stride 3, padding 1 receives a 4x4 input. How wide "
    "is the output?",
    _transposed_size_check,
    hint="Place 4 stamps 3 pixels apart: the last starts at (4 - 1)·3 and is 5 wide; "
         "then padding trims 1 pixel on each side.",
    solution="(n - 1)·s - 2p + k = 3·3 - 2 + 5 = 12\n"
             "Check: torch.nn.ConvTranspose2d(1, 1, 5, stride=3, padding=1)"
             "(torch.zeros(1, 1, 4, 4)).shape[-1]",
    praise="12 = (4 - 1)·3 - 2·1 + 5.")


def _by_hand_check(answer):
    got, problem = tensor_answer(answer, (2, 4))
    if problem:
        if "got (2, 3)" in problem:
            return "with stride 2 the two stamps do not overlap: the output is 2 x 4."
        return problem
    expected = torch.tensor([[1.0, 1, 2, 2], [1, 1, 2, 2]])
    if torch.allclose(got, expected):
        return None
    return (f"got {got.tolist()}; each input value stamps value x kernel, the second one "
            "two pixels to the right.")


transposed_by_hand = Exercise(
    "Stride-2 transposed convolution of [[1, 2]] with the kernel [[1, 1], [1, 1]].",
    _by_hand_check,
    hint="The 1 stamps 1 x kernel at columns 0-1; the 2 stamps 2 x kernel at columns 2-3.",
    solution="[[1, 1, 2, 2],\n [1, 1, 2, 2]]\n"
             "Check: F.conv_transpose2d(torch.tensor([[[[1., 2.]]]]), torch.ones(1, 1, 2, 2), stride=2)",
    praise="two 2x2 stamps side by side, scaled by 1 and 2.")


def _even_overlap_check(answer):
    problem = integer_problem(answer, 6)
    if problem is None:
        return None
    value = whole_number(answer)
    if value == 2:
        return "2 is even, but there is a larger one in the list."
    if value in (3, 5):
        return f"{value} is not a multiple of the stride 2: its overlaps alternate."
    return f"{problem} Look for kernel sizes divisible by the stride."


even_overlap = Exercise(
    "For stride 2, which of the kernel sizes 2, 3, 5, 6 gives even overlaps? The largest.",
    _even_overlap_check,
    hint="Overlaps are even when the kernel size is a multiple of the stride.",
    solution="6 (and 2): the kernel size must be divisible by the stride.\n"
             "Check: F.conv_transpose2d(torch.ones(1, 1, 5, 5), torch.ones(1, 1, 6, 6), stride=2)",
    praise="6 is a multiple of the stride, so every inner pixel gets 3 x 3 stamps.")


def _effective_check(answer):
    value, problem = number_answer(answer)
    if problem:
        return problem
    if abs(value - 2.0) < 1e-3:
        return None
    if abs(value - 0.693) < 0.01:
        return "that is the entropy itself (ln 2); the effective number is exp(entropy)."
    return f"{value:g} is not it: the histogram is (0.5, 0.5, 0, ..., 0)."


effective_classes = Exercise(
    "A generator draws only 0s and 1s, equally often. What is its effective number of "
    "classes, exp(entropy of the predicted-class histogram)?",
    _effective_check,
    hint="Entropy = -Σ p log p over the classes that occur; here two classes with p = 0.5.",
    solution="entropy = -(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2, so exp(ln 2) = 2\n"
             "Check: genlab.metrics.effective_classes(torch.eye(10)[torch.arange(100) % 2])",
    praise="two equally common classes count as exactly 2.")


def _fit_check(function):
    g = torch.Generator().manual_seed(0)
    latents = torch.randn(500, 3, generator=g) @ torch.tensor(
        [[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]]) + 2
    result, problem = call(function, latents.clone())
    if problem:
        return problem
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return (f"expected two things, (mean, covariance), got {summary(result)}: "
                "return mean, covariance.")
    mean, problem = tensor_answer(result[0], (3,), what="a mean with one entry per "
                                  "latent dimension, shape (3,)", computed=True)
    if problem:
        return f"the mean: {problem}"
    cov, problem = tensor_answer(result[1], (3, 3), what="a 3 x 3 covariance for 3 "
                                 "dimensions", computed=True)
    if problem:
        return f"the covariance: {problem}"
    if not torch.allclose(mean, latents.mean(0), atol=1e-4):
        return "the mean is off: average over the data points (dim=0)."
    if torch.allclose(cov, torch.diag(latents.var(0)), atol=1e-3):
        return "that is only the diagonal (the variances); keep the covariances too."
    if not torch.allclose(cov, torch.cov(latents.T), atol=1e-3):
        return "the covariance is off: torch.cov expects one variable per row (latents.T)."
    return None


fit_gaussian = Exercise(
    "Write fit(latents) returning (mean, covariance) of latents shaped (N, d).",
    _fit_check,
    hint="The mean over dim 0; torch.cov wants one variable per row, so pass latents.T.",
    solution="def fit(latents):\n    return latents.mean(0), torch.cov(latents.T)",
    praise="that is the Gaussian genlab.latent.LatentGaussian.fit uses.")


def _kl_check(answer):
    value, problem = number_answer(answer)
    if problem:
        return problem
    if abs(value - 0.5) < 1e-3:
        return None
    if abs(value - 1.0) < 1e-3:
        return "you are missing the factor 1/2 in front."
    return (f"{value:g} is not it. Use KL = ½(μ² + σ² - 1 - ln σ²) with μ = 1, σ = 1.")


kl_divergence = Exercise(
    "What is the KL divergence of N(1, 1) from N(0, 1) (one latent dimension)?",
    _kl_check,
    hint="KL(N(μ, σ²) || N(0, 1)) = ½(μ² + σ² - 1 - ln σ²).",
    solution="½(1² + 1 - 1 - ln 1) = ½ · 1 = 0.5",
    praise="moving the mean by one standard deviation costs 0.5 nats.")
