"""Exercises with immediate feedback: ``q.check(answer)``, ``q.hint()``, ``q.solution()``.

An :class:`Exercise` wraps a checking function that returns ``None`` for a right
answer and otherwise a sentence saying what is wrong and how. :meth:`Exercise.check`
never raises, whatever it is given: a malformed answer (wrong type, wrong shape, a
typo that raised) is itself answered with a message. It returns a :class:`Feedback`
that is true only for a right answer and shows as a coloured line in Jupyter.

Each chapter's exercises live in a module of this package (``genlab.exercises.conv``,
...); the helpers below (:func:`integer_problem`, :func:`tensor_problem`) give their
checking functions the same, specific wording.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

NO_ANSWER = (None, Ellipsis)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a message saying why."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return f"{'✓ Correct' if self.correct else '✗ Not yet'}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, mark = ("#1b7f3b", "✓ Correct") if self.correct else ("#b3261e", "✗ Not yet")
        return (f'<div style="border-left:4px solid {colour};padding:4px 10px;'
                f'margin:4px 0"><b style="color:{colour}">{mark}:</b> '
                f"{html.escape(self.message)}</div>")


class Text(str):
    """A string that shows as plain text (not as a quoted repr) in a notebook."""

    def __repr__(self) -> str:
        return str(self)


class Exercise:
    """One question with a checker, a hint and a worked solution."""

    def __init__(self, question: str, checker: Callable[[Any], str | None], *,
                 hint: str, solution: str, praise: str = "well done."):
        self.question = question
        self._checker = checker
        self._hint = hint
        self._solution = solution
        self._praise = praise

    def check(self, answer: Any) -> Feedback:
        if answer is Ellipsis or answer is None:
            return Feedback(False, "no answer yet: replace the ... with your answer "
                                   "and run the cell again.")
        try:
            problem = self._checker(answer)
        except Exception as error:  # a malformed answer must never crash the checker
            problem = (f"this answer could not be checked ({type(error).__name__}: "
                       f"{error}). Check its type and shape against the question.")
        return Feedback(True, self._praise) if problem is None else Feedback(False, problem)

    def hint(self) -> Text:
        return Text(f"Hint: {self._hint}")

    def solution(self) -> Text:
        return Text(f"Solution:\n{self._solution}")

    def __repr__(self) -> str:
        return f"Exercise: {self.question}"


def number_from_function(function: Any, *args: Any,
                         reduce_hint: str) -> tuple[float | None, str | None]:
    """Call the reader's ``function(*args)`` and return ``(value, None)`` if it gave one
    number, else ``(None, what went wrong)`` — a raise, a missing ``return``, or many
    numbers (``reduce_hint`` says how to make them one)."""
    if not callable(function):
        return None, f"expected a function, got {type(function).__name__}."
    try:
        result = function(*args)
    except Exception as error:
        return None, f"your function raised {type(error).__name__}: {error}"
    if result is None:
        return None, "the function returns None: add a return statement."
    try:
        return float(result), None
    except (TypeError, ValueError):
        return None, (f"expected one number, got {type(result).__name__} of shape "
                      f"{tuple(getattr(result, 'shape', ()))}; {reduce_hint}")


def whole_number(answer: Any) -> int | None:
    """The answer as an ``int`` if it is one whole number (Python, NumPy or a one-element
    tensor), else ``None``."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1:
            return None
        answer = answer.item()
    if hasattr(answer, "item") and not isinstance(answer, numbers.Number):
        try:
            answer = answer.item()  # NumPy scalars and 0-d arrays
        except (TypeError, ValueError):
            return None
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real) and math.isfinite(answer) and answer == int(answer):
        return int(answer)
    return None


def real_number(answer: Any) -> float | None:
    """The answer as a finite ``float`` if it is one number, else ``None``."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, torch.Tensor):
        answer = answer.item() if answer.numel() == 1 else None
    elif hasattr(answer, "item") and not isinstance(answer, numbers.Number):
        try:
            answer = answer.item()
        except (TypeError, ValueError):
            return None
    if isinstance(answer, numbers.Real) and math.isfinite(answer):
        return float(answer)
    return None


def integer_problem(answer: Any, expected: int, *, unit: str = "") -> str | None:
    """Say what is wrong with an integer answer, or ``None`` if it equals ``expected``."""
    value = whole_number(answer)
    if value is None:
        if isinstance(answer, torch.Tensor) and answer.numel() != 1:
            return f"expected one number, got a tensor of shape {tuple(answer.shape)}."
        return f"expected a whole number, got {type(answer).__name__} {answer!r}."
    if value == expected:
        return None
    unit = f" {unit}" if unit else ""
    direction = "too large" if value > expected else "too small"
    return f"{value}{unit} is {direction}."


def tensor_problem(answer: Any, shape: tuple[int, ...]) -> str | None:
    """Say what is wrong with the type or shape of a tensor answer, or ``None``."""
    if isinstance(answer, (list, tuple)):
        try:
            answer = torch.tensor(answer, dtype=torch.float32)
        except (TypeError, ValueError) as error:
            return f"could not turn the list into a tensor ({error}): use numbers only."
    if not isinstance(answer, torch.Tensor):
        return f"expected a tensor (or nested list) of shape {shape}, got {type(answer).__name__}."
    if tuple(answer.shape) != tuple(shape):
        return f"expected shape {tuple(shape)}, got {tuple(answer.shape)}."
    if not torch.isfinite(answer.float()).all():
        return "the tensor holds NaN or infinite values."
    return None


def as_float_tensor(answer: Any) -> torch.Tensor:
    """The answer as a float tensor (call after :func:`tensor_problem` returned None)."""
    return torch.as_tensor(answer, dtype=torch.float32)
