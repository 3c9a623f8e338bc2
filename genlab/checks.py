"""The checks of what goes into genlab: digits, labels, codes, counts and numbers.

Every public function of genlab calls these before it does any work, so a mistake made
while changing a number in a chapter meets one message that names the argument, says
what was expected and what was found, and gives the usual fix. A NaN and an image in
0-255 instead of [0, 1] are the most common mistakes in this field; both are errors
everywhere, never a silently white grid or a NaN score.

Each ``check_*`` returns its argument in the form the code needs (a NumPy array as a
tensor, converted once; a NumPy integer as an ``int``; float64 pixels as float32), so a
caller writes ``images = check_digits(images, "images")``. Wrong types raise
:class:`TypeError`, wrong values :class:`ValueError`; each message starts with the
argument's name.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

UNIT = (0.0, 1.0)
"""Pixels of a digit: 0 is black, 1 white (the data, the autoencoders, the judge)."""
SIGNED = (-1.0, 1.0)
"""Pixels as a GAN draws them (a tanh output); ``(x + 1) / 2`` maps them to :data:`UNIT`."""
DIGIT_SHAPE = (1, 28, 28)

_SLACK = 1e-3  # rounding in a model's output must not be called out of range


def summary(value: Any) -> str:
    """What was found, for a message: a tensor's dtype and shape, a short value, or a
    type's name."""
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor shaped {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array shaped {value.shape}"
    return f"{type(value).__name__} {value!r}" if _short(value) else type(value).__name__


def _short(value: Any) -> bool:
    return isinstance(value, (numbers.Number, str, type(None))) and len(repr(value)) < 40


def check_tensor(value: Any, name: str) -> torch.Tensor:
    """``value`` as a tensor: a tensor as it is, a NumPy array converted (once)."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(f"{name}: expected a tensor or a numeric NumPy array, found "
                            f"{summary(value)}")
        return torch.tensor(value)  # a copy: any strides, any shape (0-d too)
    raise TypeError(f"{name}: expected a tensor (or a NumPy array), found {summary(value)}"
                    + ("; wrap a list with torch.tensor(...)" if isinstance(value, (list, tuple))
                       else ""))


def check_float(x: torch.Tensor, name: str, *, what: str = "values") -> torch.Tensor:
    """Floating-point ``x`` as float32 (the models' dtype); integers and booleans are
    refused with the usual fix."""
    if x.dtype == torch.bool or not x.is_floating_point():
        fix = (f"{name}.float() / 255 (bytes 0-255 to [0, 1])" if x.dtype == torch.uint8
               else f"{name}.float()")
        raise TypeError(f"{name}: expected float {what}, found {x.dtype}; use {fix}")
    return x if x.dtype == torch.float32 else x.float()


def check_finite(x: torch.Tensor, name: str) -> torch.Tensor:
    """``x`` unless it holds a NaN or an infinity."""
    bad = ~torch.isfinite(x)
    if bad.any():
        nans, count = int(torch.isnan(x).sum()), int(bad.sum())
        raise ValueError(f"{name}: expected finite values, found {nans} NaN and "
                         f"{count - nans} infinite of {x.numel()}; find where they came "
                         f"from, or replace them with torch.nan_to_num({name})")
    return x


def check_range(x: torch.Tensor, name: str, value_range: tuple[float, float] = UNIT
                ) -> torch.Tensor:
    """``x`` unless a value lies outside ``value_range`` (:data:`UNIT` or
    :data:`SIGNED`), with the conversion that usually fixes it."""
    if x.numel() == 0:
        return x
    low, high = x.min().item(), x.max().item()
    lo, hi = value_range
    if low >= lo - _SLACK and high <= hi + _SLACK:
        return x
    if 25 < high <= 255 + _SLACK and low >= -_SLACK:  # a digit in bytes reaches ~255
        fix = (f"{name} / 255" if value_range == UNIT else f"{name} / 127.5 - 1"
               if value_range == SIGNED else f"rescale them to [{lo:g}, {hi:g}]")
        fix = f"they look like 0-255 bytes: use {fix}"
    elif value_range == UNIT and low >= -1 - _SLACK and high <= 1 + _SLACK:
        fix = f"a GAN's output in [-1, 1] maps to [0, 1] with ({name} + 1) / 2"
    else:
        fix = f"clamp them with {name}.clamp(...) or find where they came from"
    raise ValueError(f"{name}: expected values in [{lo:g}, {hi:g}], found values from "
                     f"{low:.4g} to {high:.4g}; {fix}")


def check_device(x: torch.Tensor, name: str, device: torch.device | str) -> torch.Tensor:
    """``x`` if it is on ``device`` (where the model that reads it is)."""
    if x.device != torch.device(device):
        raise ValueError(f"{name}: expected a tensor on {device} (where the model is), "
                         f"found one on {x.device}; use {name}.to({str(device)!r})")
    return x


def _check_batch_size(x: torch.Tensor, name: str, n: int | None, item: str) -> None:
    if len(x) == 0:
        raise ValueError(f"{name}: expected at least one {item}, found an empty batch")
    if n is not None and len(x) != n:
        raise ValueError(f"{name}: expected {n} {item}s, found {len(x)}")


def check_digits(images: Any, name: str = "images", *,
                 value_range: tuple[float, float] | None = UNIT,
                 n: int | None = None, device: torch.device | None = None) -> torch.Tensor:
    """A batch of grey 28x28 digits ``(N, 1, 28, 28)``, float32, finite, in
    ``value_range`` (``None``: any finite values, e.g. noisy images), ``n`` of them
    when ``n`` is given, on ``device`` when given. NumPy arrays are converted."""
    x = check_tensor(images, name)
    if x.shape[-2:] == (28, 28) and x.ndim in (2, 3) or (x.ndim == 2 and x.shape[1] == 784):
        fix = {2: f"{name}.view(-1, 1, 28, 28)" if x.shape[-1] == 784 else f"{name}[None, None]",
               3: f"{name}.unsqueeze(1)"}[x.ndim]
        raise ValueError(f"{name}: expected digits shaped (N, 1, 28, 28), found "
                         f"{tuple(x.shape)}; add the missing axes with {fix}")
    if x.ndim != 4 or tuple(x.shape[1:]) != DIGIT_SHAPE:
        raise ValueError(f"{name}: expected digits shaped (N, 1, 28, 28), found "
                         f"{tuple(x.shape)}")
    _check_batch_size(x, name, n, "digit")
    if device is not None:
        check_device(x, name, device)
    x = check_float(x, name, what="pixels in [0, 1]" if value_range == UNIT else "pixels")
    check_finite(x, name)
    return x if value_range is None else check_range(x, name, value_range)


def check_labels(labels: Any, name: str = "labels", *, n: int | None = None,
                 classes: int = 10, missing: bool = False) -> torch.Tensor:
    """Class labels ``(N,)`` as a long tensor: integers in ``0..classes-1`` (and ``-1``,
    "no label", when ``missing``); a tensor, a NumPy array or a list of integers."""
    if isinstance(labels, (list, tuple)):
        try:
            labels = torch.tensor(labels)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name}: expected integer labels, found a {type(labels).__name__}"
                            " that is not a list of numbers") from None
    y = check_tensor(labels, name)
    if y.dtype == torch.bool or y.is_floating_point() or y.is_complex():
        raise TypeError(f"{name}: expected integer labels in 0..{classes - 1}, found "
                        f"{y.dtype}; use {name}.long()")
    if y.ndim != 1:
        raise ValueError(f"{name}: expected one label per image, shaped (N,), found "
                         f"{tuple(y.shape)}" + (f"; use {name}.flatten()"
                                                if y.numel() == max(y.shape, default=0) else ""))
    if n is not None and len(y) != n:
        raise ValueError(f"{name}: expected {n} labels (one per image), found {len(y)}")
    if len(y):
        low, high = y.min().item(), y.max().item()
        if low < (-1 if missing else 0) or high >= classes:
            allowed = f"0..{classes - 1}" + (" (or -1 for no label)" if missing else "")
            raise ValueError(f"{name}: expected labels in {allowed}, found {low}..{high}")
    return y.long()


def check_condition(labels: Any, name: str = "labels", *, n: int,
                    classes: int) -> torch.Tensor | None:
    """The labels a model with ``classes`` classes needs: ``n`` of them for a
    conditional model, ``None`` for an unconditional one (``classes = 0``)."""
    if not classes:
        if labels is not None:
            raise ValueError(f"{name}: expected None (this model is unconditional: call it "
                             f"without labels), found {summary(labels)}")
        return None
    if labels is None:
        raise ValueError(f"{name}: expected {n} labels in 0..{classes - 1} (this model is "
                         "conditional: say which digit to draw), found None")
    return check_labels(labels, name, n=n, classes=classes)


def check_codes(codes: Any, name: str, *, size: int, n: int | None = None,
                what: str = "latent codes") -> torch.Tensor:
    """Latent codes (or noise) ``(N, size)``, float32 and finite."""
    z = check_tensor(codes, name)
    if z.ndim == 1 and len(z) == size:
        raise ValueError(f"{name}: expected {what} shaped (N, {size}), found one vector "
                         f"shaped ({size},); make it a batch of one with {name}[None]")
    if z.ndim != 2 or z.shape[1] != size:
        raise ValueError(f"{name}: expected {what} shaped (N, {size}), found "
                         f"{tuple(z.shape)}")
    _check_batch_size(z, name, n, "code")
    return check_finite(check_float(z, name, what=what), name)


def check_count(value: Any, name: str, *, minimum: int = 1,
                maximum: int | None = None) -> int:
    """A whole number ``minimum <= value <= maximum`` as an ``int`` (NumPy integers
    and 0-d integer tensors accepted; booleans and floats refused)."""
    if isinstance(value, torch.Tensor) and value.ndim == 0 and not value.is_floating_point() \
            and value.dtype != torch.bool:
        value = value.item()
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a whole number (at least {minimum}), found "
                        f"{summary(value)}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = (f"at least {minimum}" if maximum is None
                  else f"from {minimum} to {maximum}")
        raise ValueError(f"{name}: expected a whole number {bounds}, found {value}")
    return value


def check_number(value: Any, name: str, *, low: float | None = None,
                 high: float | None = None, low_open: bool = False,
                 high_open: bool = False) -> float:
    """A finite real number within the bounds as a ``float`` (NumPy numbers and 0-d
    tensors accepted). ``low_open``/``high_open`` exclude the bound itself."""
    if isinstance(value, torch.Tensor) and value.ndim == 0 and value.dtype != torch.bool \
            and not value.is_complex():
        value = value.item()
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a number, found {summary(value)}")
    value = float(value)
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or below or above:
        parts = []
        if low is not None:
            parts.append(f"{'above' if low_open else 'at least'} {low:g}")
        if high is not None:
            parts.append(f"{'below' if high_open else 'at most'} {high:g}")
        raise ValueError(f"{name}: expected a finite number{' ' if parts else ''}"
                         f"{' and '.join(parts)}, found {value!r}")
    return value


def check_seconds(value: Any, name: str = "seconds") -> float:
    """A time budget: a positive, finite number of seconds."""
    return check_number(value, name, low=0, low_open=True)


def check_choice(value: Any, name: str, options: Sequence[Any]) -> Any:
    """The option ``value`` equals (so ``numpy.int64(4)`` gives ``4``); booleans match
    only booleans."""
    for option in options:
        if isinstance(value, (bool, np.bool_)) != isinstance(option, bool):
            continue
        try:
            if isinstance(value, (str, numbers.Number, np.generic)) and value == option:
                return option
        except (TypeError, ValueError):
            continue
    raise ValueError(f"{name}: expected one of {', '.join(map(repr, options))}, "
                     f"found {summary(value)}")


def check_function(value: Any, name: str) -> Callable:
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(f"{name}: expected a function, found {summary(value)}")
    return value


def check_model(value: Any, name: str, *, needs: Sequence[str] = ()) -> torch.nn.Module:
    """A ``torch.nn.Module`` that has every method named in ``needs``."""
    if not isinstance(value, torch.nn.Module):
        raise TypeError(f"{name}: expected a torch.nn.Module, found {summary(value)}")
    missing = [method for method in needs if not callable(getattr(value, method, None))]
    if missing:
        raise TypeError(f"{name}: expected a model with {', '.join(needs)}, found a "
                        f"{type(value).__name__} without {', '.join(missing)}")
    return value


def check_flag(value: Any, name: str) -> bool:
    """``True`` or ``False`` (a NumPy boolean too) as a ``bool``: a string such as
    ``"False"`` would otherwise count as true."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, found {summary(value)}")
    return bool(value)


def check_text(value: Any, name: str, *, optional: bool = False) -> str | None:
    """A string (a title, a caption), or ``None`` when ``optional``."""
    if (value is None and optional) or isinstance(value, str):
        return value
    raise TypeError(f"{name}: expected a string{' or None' if optional else ''}, found "
                    f"{summary(value)}")


def check_generator(value: Any, name: str = "generator", *,
                    optional: bool = True) -> torch.Generator | None:
    """A ``torch.Generator`` (a seeded source of randomness), or (when ``optional``)
    ``None``: torch's global one."""
    if not isinstance(value, torch.Generator) and not (optional and value is None):
        raise TypeError(f"{name}: expected a torch.Generator{' (or None)' * optional}, "
                        f"found {summary(value)}; make one with "
                        "torch.Generator().manual_seed(0)")
    return value


def check_lengths(tensors: Sequence[Any], name: str = "tensors") -> tuple[torch.Tensor, ...]:
    """One or more tensors (NumPy arrays converted) of one non-zero length: the rows of
    one set of items, sliced together."""
    if not tensors:
        raise ValueError(f"{name}: expected at least one tensor, found none")
    tensors = tuple(check_tensor(t, f"{name}[{i}]") for i, t in enumerate(tensors))
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise ValueError(f"{name}[{i}]: expected a tensor with one row per item, found "
                             "a single number (a 0-d tensor)")
    lengths = [len(t) for t in tensors]
    if len(set(lengths)) > 1:
        raise ValueError(f"{name}: expected tensors of the same length (one row per item), "
                         f"found lengths {lengths}")
    if lengths[0] == 0:
        raise ValueError(f"{name}: expected at least one item, found an empty batch")
    return tensors


def check_interval(value: Any, name: str) -> tuple[float, float]:
    """``(low, high)``: two finite numbers with ``low < high``, as floats."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected (low, high), two numbers, found "
                        f"{summary(value)}") from None
    low, high = check_number(low, name), check_number(high, name)
    if not low < high:
        raise ValueError(f"{name}: expected (low, high) with low < high, found "
                         f"({low:g}, {high:g})")
    return low, high


def check_path(value: Any, name: str) -> Path:
    """A ``str`` or ``pathlib.Path`` as a :class:`~pathlib.Path` (``~`` expanded)."""
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name}: expected a path (a str or pathlib.Path), found "
                        f"{summary(value)}")
    if not str(value):
        raise ValueError(f"{name}: expected a path, found an empty string")
    return Path(value).expanduser()


def check_mapping(value: Any, name: str, keys: Sequence[str] = (), *,
                  what: str = "a dict") -> Mapping:
    """A dict (any mapping) holding every one of ``keys``; ``what`` says what kind of
    dict, for the message ("a row of measure_all")."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: expected {what}, found {summary(value)}")
    missing = [key for key in keys if key not in value]
    if missing:
        raise ValueError(f"{name}: expected {what} with {', '.join(map(repr, keys))}, "
                         f"found one without {', '.join(map(repr, missing))}")
    return value


def check_names(value: Any, name: str, what: str = "names") -> list[str]:
    """A non-empty list (or tuple) of strings, such as the measures a table or a figure
    shows; ``what`` says what they name, for the message."""
    if (isinstance(value, str) or not isinstance(value, Sequence) or not value
            or not all(isinstance(v, str) for v in value)):
        raise TypeError(f"{name}: expected a list of {what}, found {summary(value)}")
    return list(value)
