"""genlab.checks: what each check accepts, converts and refuses, and what it says."""

import numpy as np
import pytest
import torch

from genlab.checks import (SIGNED, UNIT, check_choice, check_codes, check_condition,
                           check_count, check_device, check_digits, check_float,
                           check_function, check_labels, check_model, check_number,
                           check_range, check_seconds, check_tensor)

DIGITS = torch.rand(3, 1, 28, 28)


@pytest.mark.parametrize("images, error, says", [
    (DIGITS[:, 0], ValueError, r"found \(3, 28, 28\); add the missing axes with pictures\.unsqueeze\(1\)"),
    (DIGITS.view(3, 784), ValueError, r"pictures\.view\(-1, 1, 28, 28\)"),
    (DIGITS[0, 0], ValueError, r"pictures\[None, None\]"),
    (torch.rand(3, 3, 28, 28), ValueError, r"shaped \(N, 1, 28, 28\), found \(3, 3, 28, 28\)"),
    (torch.rand(0, 1, 28, 28), ValueError, "empty batch"),
    ((DIGITS * 255).byte(), TypeError, r"found torch\.uint8; use pictures\.float\(\) / 255"),
    (DIGITS > 0.5, TypeError, "found torch.bool"),
    (DIGITS * 255, ValueError, r"0-255 bytes: use pictures / 255"),
    (DIGITS * 2 - 1, ValueError, r"\(pictures \+ 1\) / 2"),
    (DIGITS + 3, ValueError, r"from 3 to 4|clamp"),
    (DIGITS.clone().fill_(float("nan")), ValueError, "2352 NaN and 0 infinite"),
    (DIGITS.clone().fill_(float("inf")), ValueError, "0 NaN and 2352 infinite"),
    (DIGITS.tolist(), TypeError, r"wrap a list with torch\.tensor"),
    ("digits", TypeError, "found str 'digits'"),
    (np.array([[None]]), TypeError, "numeric NumPy array"),
])
def test_check_digits_refuses(images, error, says):
    with pytest.raises(error, match=r"^pictures: expected") as caught:
        check_digits(images, "pictures")
    assert caught.match(says)


def test_check_digits_converts_and_counts():
    x = check_digits(np.random.default_rng(0).random((2, 1, 28, 28)), "x")
    assert isinstance(x, torch.Tensor) and x.dtype == torch.float32
    assert check_digits(DIGITS, "x") is DIGITS  # nothing copied when nothing is wrong
    assert check_digits(DIGITS * 2 - 1, "x", value_range=SIGNED).shape == (3, 1, 28, 28)
    assert check_digits(DIGITS * 9, "x", value_range=None).shape == (3, 1, 28, 28)
    with pytest.raises(ValueError, match="^x: expected 2 digits, found 3"):
        check_digits(DIGITS, "x", n=2)
    with pytest.raises(ValueError, match="^x: expected finite"):
        check_digits(DIGITS.clone().fill_(float("nan")), "x", value_range=None)


def test_check_device_names_the_move():
    with pytest.raises(ValueError, match=r"^x: expected a tensor on meta .* found one on cpu; "
                                         r"use x\.to\('meta'\)"):
        check_device(DIGITS, "x", "meta")
    assert check_device(DIGITS, "x", "cpu") is DIGITS


def test_check_range_tolerates_rounding_only():
    assert check_range(torch.tensor([-1e-4, 1 + 1e-4]), "x", UNIT) is not None
    with pytest.raises(ValueError, match=r"^x: expected values in \[-1, 1\].*x / 127\.5 - 1"):
        check_range(torch.tensor([0.0, 255.0]), "x", SIGNED)


@pytest.mark.parametrize("labels, kwargs, error, says", [
    (torch.tensor([1.0, 2.0]), {}, TypeError, r"found torch\.float32; use y\.long\(\)"),
    (torch.tensor([True]), {}, TypeError, "torch.bool"),
    (torch.tensor([1, 12]), {}, ValueError, r"in 0\.\.9, found 1\.\.12"),
    (torch.tensor([-1, 3]), {}, ValueError, r"in 0\.\.9, found -1\.\.3"),
    (torch.tensor([-2, 3]), {"missing": True}, ValueError, r"or -1 for no label"),
    (torch.tensor([[1], [2]]), {}, ValueError, r"shaped \(N,\), found \(2, 1\); use y\.flatten"),
    (torch.tensor([1, 2]), {"n": 3}, ValueError, "expected 3 labels"),
    (torch.tensor([1, 4]), {"classes": 3}, ValueError, r"in 0\.\.2"),
    (["a", "b"], {}, TypeError, "not a list of numbers"),
    (3, {}, TypeError, "found int 3"),
])
def test_check_labels_refuses(labels, kwargs, error, says):
    with pytest.raises(error, match="^y: expected") as caught:
        check_labels(labels, "y", **kwargs)
    assert caught.match(says)


def test_check_labels_accepts_lists_arrays_and_missing():
    assert check_labels([1, 2], "y").dtype == torch.long
    assert check_labels(np.array([3, 4], dtype=np.int32), "y").tolist() == [3, 4]
    assert check_labels(torch.tensor([-1, 9]), "y", missing=True).tolist() == [-1, 9]


def test_check_condition_knows_conditional_from_unconditional():
    assert check_condition(None, n=2, classes=0) is None
    assert check_condition([3, 4], n=2, classes=10).tolist() == [3, 4]
    with pytest.raises(ValueError, match="^labels: expected None .*unconditional"):
        check_condition([3, 4], n=2, classes=0)
    with pytest.raises(ValueError, match=r"^labels: expected 2 labels in 0\.\.9 .*conditional"):
        check_condition(None, n=2, classes=10)


@pytest.mark.parametrize("codes, error, says", [
    (torch.zeros(4), ValueError, r"one vector shaped \(4,\); make it a batch of one with z\[None\]"),
    (torch.zeros(2, 5), ValueError, r"\(N, 4\), found \(2, 5\)"),
    (torch.zeros(0, 4), ValueError, "empty batch"),
    (torch.zeros(2, 4, dtype=torch.long), TypeError, "z.float()"),
    (torch.full((2, 4), float("nan")), ValueError, "8 NaN"),
    ([0.0] * 4, TypeError, "wrap a list"),
])
def test_check_codes_refuses(codes, error, says):
    with pytest.raises(error, match="^z: expected") as caught:
        check_codes(codes, "z", size=4)
    assert caught.match(says)


def test_check_codes_converts():
    assert check_codes(np.zeros((2, 4)), "z", size=4).dtype == torch.float32
    with pytest.raises(ValueError, match="^z: expected 3 codes, found 2"):
        check_codes(torch.zeros(2, 4), "z", size=4, n=3)


@pytest.mark.parametrize("value, kwargs, error", [
    (0, {}, ValueError), (-3, {}, ValueError), (2.0, {}, TypeError), (True, {}, TypeError),
    (np.bool_(True), {}, TypeError), ("3", {}, TypeError), (None, {}, TypeError),
    (torch.tensor(2.0), {}, TypeError), (5, {"maximum": 4}, ValueError),
    (-1, {"minimum": 0}, ValueError),
])
def test_check_count_refuses(value, kwargs, error):
    with pytest.raises(error, match="^k: expected a whole number"):
        check_count(value, "k", **kwargs)


def test_check_count_accepts_numpy_and_tensor_integers():
    for value in (3, np.int64(3), np.int8(3), torch.tensor(3)):
        result = check_count(value, "k")
        assert result == 3 and type(result) is int
    assert check_count(0, "k", minimum=0) == 0


@pytest.mark.parametrize("value, kwargs, error", [
    (float("nan"), {}, ValueError), (float("inf"), {}, ValueError),
    (-float("inf"), {}, ValueError), ("0.1", {}, TypeError), (True, {}, TypeError),
    (None, {}, TypeError), (0.0, {"low": 0, "low_open": True}, ValueError),
    (-0.1, {"low": 0}, ValueError), (1.0, {"high": 1, "high_open": True}, ValueError),
    (2, {"high": 1}, ValueError), (torch.tensor([1.0, 2.0]), {}, TypeError),
])
def test_check_number_refuses(value, kwargs, error):
    with pytest.raises(error, match="^lr: expected a"):
        check_number(value, "lr", **kwargs)


def test_check_number_accepts_numpy_and_tensor_numbers():
    for value in (0.5, np.float32(0.5), np.float64(0.5), torch.tensor(0.5)):
        result = check_number(value, "lr", low=0, high=1)
        assert result == 0.5 and type(result) is float
    assert check_number(np.int64(2), "w") == 2.0


def test_check_seconds_refuses_what_never_ends_or_never_starts():
    for value in (float("inf"), 0, -1, float("nan")):
        with pytest.raises(ValueError, match="^seconds: expected a finite number above 0"):
            check_seconds(value)
    assert check_seconds(np.float64(1.5)) == 1.5


def test_check_choice_function_model_and_tensor():
    assert check_choice(np.int64(4), "kernel_size", (3, 4)) == 4
    with pytest.raises(ValueError, match="^loss: expected one of 'a', 'b', found str 'c'"):
        check_choice("c", "loss", ("a", "b"))
    with pytest.raises(ValueError, match="^k: expected one of 1, 2, found bool True"):
        check_choice(True, "k", (1, 2))
    with pytest.raises(TypeError, match="^hook: expected a function, found int 3"):
        check_function(3, "hook")
    assert check_function(print, "hook") is print
    with pytest.raises(TypeError, match="^model: expected a torch.nn.Module"):
        check_model("net", "model")
    with pytest.raises(TypeError, match="^model: expected a model with decode, found a "
                                        "Linear without decode"):
        check_model(torch.nn.Linear(2, 2), "model", needs=("decode",))
    with pytest.raises(TypeError, match="^x: expected a tensor"):
        check_tensor(3, "x")
    with pytest.raises(TypeError, match="^x: expected float values"):
        check_float(torch.tensor([1, 2]), "x")
    assert check_float(torch.zeros(2, dtype=torch.float64), "x").dtype == torch.float32


@pytest.mark.parametrize("bad", ["recall", [], ("recall", 3), None, {"recall": 1}])
def test_check_names_wants_a_non_empty_list_of_strings(bad):
    from genlab.checks import check_names

    with pytest.raises(TypeError, match="^columns: expected a list of measure names, found"):
        check_names(bad, "columns", "measure names")
    assert check_names(("recall", "precision"), "columns") == ["recall", "precision"]
