"""Every exercise of genlab.exercises, given a wrong kind of answer — text, a list,
NaN, an infinity, a boolean, a tensor of the wrong shape or dtype, a function that
raises or returns any of these — answers "not yet" and says what is wrong: never
"correct", never an exception. NumPy numbers and arrays count like Python numbers and
tensors."""

import importlib
import math
import pkgutil
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import genlab.exercises
from genlab.exercises import Exercise, Feedback

EXERCISES = {
    f"{module.name}.{name}": value
    for module in pkgutil.iter_modules(genlab.exercises.__path__)
    for name, value in vars(importlib.import_module(f"genlab.exercises.{module.name}")).items()
    if isinstance(value, Exercise)}

# One right answer per exercise: the table below must cover every exercise there is.
RIGHT = {
    "conv.output_size": 13,
    "conv.vertical_edges": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "conv.conv_parameters": 4640,
    "autoencoders.compression_factor": 98,
    "autoencoders.mse_function": lambda a, b: ((a - b) ** 2).mean(),
    "autoencoders.encoder_parameters": 217538,
    "autoencoders.transposed_size": 12,
    "autoencoders.transposed_by_hand": [[1, 1, 2, 2], [1, 1, 2, 2]],
    "autoencoders.even_overlap": 6,
    "autoencoders.effective_classes": 2.0,
    "autoencoders.fit_gaussian": lambda z: (z.mean(0), torch.cov(z.T)),
    "autoencoders.kl_divergence": 0.5,
    "gans.confused_discriminator": 2 * math.log(2),
    "gans.generator_loss": lambda logits: F.binary_cross_entropy_with_logits(
        logits, torch.ones_like(logits)),
    "gans.optimal_discriminator": 0.75,
    "gans.push_ratio": 99.0,
    "gans.collapse_meter": math.exp(-(0.7 * math.log(0.7) + 0.3 * math.log(0.3))),
    "gans.smoothed_target": 0.9,
    "gans.gradient_penalty": lambda critic, between: (torch.autograd.grad(
        critic(between).sum(), between)[0].flatten(1).norm(dim=1) - 1).pow(2).mean(),
    "beyond.adain_statistics": (-1.0, 1.5),
    "beyond.truncation_distance": 0.7,
    "beyond.mix_styles": lambda c, f, k: torch.stack([c if i < k else f for i in range(6)]),
    "beyond.noisy_pixel": 0.2,
    "beyond.clean_guess": lambda x, v, t: x - t * v,
    "beyond.sampling_cost": 400.0,
    "beyond.guided_velocity": 0.7,
    "beyond.two_digits": 2.0,
    "beyond.memoriser": "precision",
}


def test_the_table_covers_every_exercise():
    assert set(RIGHT) == set(EXERCISES)


def _numpy(value):
    """The same answer in NumPy: numbers as NumPy scalars, lists as arrays, and a
    function's tensors as arrays."""
    if callable(value):
        return lambda *args: _apply(value(*args), lambda t: t.numpy())
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float32(value) if value == np.float32(value) else np.float64(value)
    if isinstance(value, (list, tuple)):
        return np.array(value)
    return np.str_(value)


def _apply(result, transform):
    """``transform`` on each tensor of a function's result (a tuple of them, or one)."""
    if isinstance(result, tuple):
        return tuple(transform(torch.as_tensor(r)) for r in result)
    return transform(torch.as_tensor(result))


@pytest.mark.parametrize("name", RIGHT)
def test_right_answers_count_in_python_numpy_and_torch(name):
    exercise, right = EXERCISES[name], RIGHT[name]
    assert exercise.check(right), exercise.check(right)
    assert exercise.check(_numpy(right)), exercise.check(_numpy(right))
    if isinstance(right, (int, float, list, tuple)):
        as_tensor = torch.tensor(right)
        assert exercise.check(as_tensor), exercise.check(as_tensor)
    if isinstance(right, (float, list, tuple)):
        assert exercise.check(torch.tensor(right, dtype=torch.float64))


# ------------------------------------------------------------------ wrong answers

def _raises(*args):
    return 1 / 0


GENERIC = {  # wrong for every exercise, whatever it asks for
    "text number": "13", "text list": "[[1,0,-1]]*3", "bytes": b"1", "dict": {"a": 1},
    "set": {-1.0, 1.5}, "object": object(), "nan": math.nan, "inf": math.inf,
    "minus inf": -math.inf, "True": True, "numpy True": np.bool_(True),
    "numpy nan": np.float32("nan"), "tensor nan": torch.tensor(math.nan),
    "complex": 1j, "numpy object array": np.array([[1, None]], dtype=object),
    "numpy text array": np.array(["1", "2"]), "ragged list": [[1, 2, 3], [4, 5]],
    "list of text": [["a", "b"]], "empty tensor": torch.zeros(0),
    "big tensor": torch.zeros(9, 9), "bool tensor": torch.ones(3, 3, dtype=torch.bool),
    "complex tensor": torch.ones(3, 3, dtype=torch.complex64), "the class": torch.Tensor,
    # functions that go wrong
    "raises": _raises, "no return": lambda *args: None, "returns text": lambda *a: "0.5",
    "returns a list": lambda *a: [0.5], "returns nan": lambda *a: math.nan,
    "returns a nan tensor": lambda *a: torch.tensor(math.nan),
    "returns a bool": lambda *a: torch.tensor(True), "returns an object": lambda *a: object(),
    "takes no arguments": lambda: 0.5, "returns a dict": lambda *a: {"mean": 0},
}


def _wrong_forms(right):
    """The right answer in wrong forms: NaN in place of its values, the wrong shape or
    dtype, as text, in a list, a function's result as a list."""
    if isinstance(right, str):
        return {}
    if callable(right):
        def mutant(transform):
            return lambda *args: _apply(right(*args), transform)

        return {"nan result": mutant(lambda t: t * math.nan),
                "inf result": mutant(lambda t: t + math.inf),
                "result as text": lambda *args: str(right(*args)),
                "result as list": mutant(lambda t: t.reshape(-1).tolist()),
                "result as numpy object": mutant(lambda t: t.numpy().astype(object)),
                "result shape plus 1": mutant(lambda t: t[None]),
                "result flattened": mutant(lambda t: t.reshape(-1)[:-1]),
                "result as bool": mutant(lambda t: t != 0),
                "result as integers": mutant(lambda t: t.round().long()),
                "result as complex": mutant(lambda t: t.to(torch.complex64))}
    value = torch.tensor(right, dtype=torch.float64)
    return {"right with nan": value * math.nan,
            "right with nan, numpy": (value * math.nan).numpy(),
            "right with inf": value + math.inf, "right as text": str(right),
            "right in a list": [right], "right with an extra axis": value[None],
            "right with an extra axis, numpy": value[None].numpy(),
            "right as bool": value != 0, "right as complex": value.to(torch.complex64),
            "right as a numpy object array": np.array(right, dtype=object)}


WRONG = [(name, kind, answer) for name in RIGHT
         for kind, answer in {**GENERIC, **_wrong_forms(RIGHT[name])}.items()]


@pytest.mark.parametrize("name, kind, answer", WRONG,
                         ids=[f"{name}-{kind}" for name, kind, _ in WRONG])
def test_a_wrong_kind_of_answer_is_not_yet_and_says_why(name, kind, answer):
    feedback = EXERCISES[name].check(answer)  # never raises
    assert isinstance(feedback, Feedback) and not feedback.correct, feedback
    assert len(feedback.message) > 15
    # Answered by the checker itself, with the answer's fault, not by the safety net.
    assert "could not be checked" not in feedback.message, feedback.message
    if kind.startswith(("right with nan", "right with inf", "nan result", "inf result")):
        # the right answer with NaN or infinite values: the message says so
        assert re.search(r"NaN|nan|inf|finite|off", feedback.message), feedback.message


@pytest.mark.parametrize("name", [n for n in RIGHT if callable(RIGHT[n])])
def test_a_function_that_returns_nan_is_told_so(name):
    right = RIGHT[name]
    feedback = EXERCISES[name].check(lambda *a: _apply(right(*a), lambda t: t * math.nan))
    assert not feedback and re.search(r"NaN|nan", feedback.message), feedback.message


def test_messages_say_what_was_wrong():
    mse = EXERCISES["autoencoders.mse_function"]
    assert "got nan" in mse.check(lambda a, b: torch.tensor(math.nan)).message
    assert "without quotes" in mse.check(lambda a, b: "0.1").message
    assert "take the mean" in mse.check(lambda a, b: (a - b) ** 2).message
    mix = EXERCISES["beyond.mix_styles"]
    assert "torch.stack" in mix.check(lambda c, f, k: [c] * 6).message
    assert "keep the computation in floats" in mix.check(
        lambda c, f, k: RIGHT["beyond.mix_styles"](c, f, k).long()).message
    assert "without quotes" in EXERCISES["conv.output_size"].check("13").message
    assert "got shape (2, 1)" in EXERCISES["beyond.adain_statistics"].check(
        torch.tensor([[-1.0], [1.5]])).message
    fit = EXERCISES["autoencoders.fit_gaussian"]
    assert fit.check(lambda z: (z.mean(0) * math.nan, torch.cov(z.T))).message.startswith(
        "the mean: the tensor holds NaN")
