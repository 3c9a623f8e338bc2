"""Exercises of the autoencoder chapters."""

from __future__ import annotations

import torch

from . import Exercise, integer_problem


def _compression_check(answer):
    problem = integer_problem(answer, 98)
    if problem is None:
        return None
    value = answer.item() if isinstance(answer, torch.Tensor) else answer
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
    if not callable(function):
        return f"expected a function, got {type(function).__name__}."
    generator = torch.Generator().manual_seed(0)
    for shape in [(4, 1, 28, 28), (1, 1, 3, 3), (7, 1, 28, 28)]:
        a, b = torch.rand(shape, generator=generator), torch.rand(shape, generator=generator)
        expected = (a - b).pow(2).mean().item()
        result = function(a, b)
        if result is None:
            return "the function returns None: add a return statement."
        try:
            value = float(result)
        except (TypeError, ValueError):
            return (f"expected one number, got {type(result).__name__} of shape "
                    f"{tuple(getattr(result, 'shape', ()))}; take the mean over everything.")
        if abs(value - expected) > 1e-5 * max(1.0, expected):
            if abs(value - expected * a[0].numel()) < 1e-3 * value:
                return "that is the error summed over the pixels of an image: average it."
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
    value = answer.item() if isinstance(answer, torch.Tensor) else answer
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
