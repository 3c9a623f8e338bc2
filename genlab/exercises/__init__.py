"""Exercises with immediate feedback: ``q.check(answer)``, ``q.hint()``, ``q.solution()``.

An :class:`Exercise` wraps a checking function that returns ``None`` for a right
answer and otherwise a sentence saying what is wrong and how. :meth:`Exercise.check`
never raises, whatever it is given: a malformed answer (wrong type, wrong shape, a
typo that raised) is itself answered with a message. It returns a :class:`Feedback`
that is true only for a right answer and shows as a coloured line in Jupyter — green
for right, red for wrong, grey while the answer is still the ``...`` the chapter
leaves (so the rendered book, which runs the chapters unanswered, shows "your answer
goes here", not a failure). Hints and worked solutions show folded
(:class:`Folded`): a student's Run All reveals none of them until one is opened.

Each chapter's exercises live in a module of this package (``genlab.exercises.conv``,
...); the helpers below (:func:`integer_problem`, :func:`number_answer`,
:func:`tensor_answer`, :func:`call`) give their checking functions the same, specific
wording. They refuse text, booleans, NaN and infinities, and wrongly shaped tensors,
and accept NumPy numbers and arrays wherever numbers and tensors are asked for.
"""

from __future__ import annotations

import html
import inspect
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..checks import summary
from ..language import N_, tr

def _stub():
    ...


def unanswered(answer: Any) -> bool:
    """Whether ``answer`` is still what the chapter leaves: ``...`` (or ``None``), or a
    function whose body is only ``...`` (the chapters' ``def f(x): ...  # your code``).
    Python compiles ``pass`` and ``return None`` as it compiles ``...``, so the source
    must show the ``...`` too (Jupyter keeps each cell's source)."""
    if answer is Ellipsis or answer is None:
        return True
    code = getattr(answer, "__code__", None)
    if not callable(answer) or code is None or code.co_code != _stub.__code__.co_code:
        return False
    try:
        body = inspect.getsource(answer).split(":", 1)[1]
    except (OSError, TypeError, IndexError):  # no source to read: not the chapter's stub
        return False
    return body.split("#")[0].strip() == "..."


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a message saying why; ``waiting``
    when there is no answer yet (neither right nor wrong)."""

    correct: bool
    message: str
    waiting: bool = False

    def __bool__(self) -> bool:
        return self.correct

    def _mark(self) -> tuple[str, str]:
        if self.correct:
            return "#1b7f3b", tr("✓ Correct")
        if self.waiting:
            return "#5f6368", tr("✎ Your answer goes here")
        return "#b3261e", tr("✗ Not yet")

    def __str__(self) -> str:
        return f"{self._mark()[1]}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, mark = self._mark()
        return (f'<div style="border-left:4px solid {colour};padding:4px 10px;'
                f'margin:4px 0"><b style="color:{colour}">{mark}:</b> '
                f"{html.escape(self.message)}</div>")


class Text(str):
    """A string that shows as plain text (not as a quoted repr) in a notebook."""

    def __repr__(self) -> str:
        return str(self)


class Folded(Text):
    """Text that a notebook shows folded under a ``summary`` line until the reader opens
    it (an HTML ``<details>`` element: Jupyter, Colab and the rendered book alike, no
    script needed); plain text elsewhere."""

    def __new__(cls, text: str, summary: str):
        folded = super().__new__(cls, text)
        folded.summary = summary
        return folded

    def _repr_html_(self) -> str:
        return (f'<details style="margin:4px 0"><summary style="cursor:pointer">'
                f"{html.escape(self.summary)}</summary>"
                f'<pre style="white-space:pre-wrap;margin:6px 0 0">{html.escape(self)}'
                f"</pre></details>")


class Exercise:
    """One question with a checker, a hint and a worked solution.

    The texts are written in English inside :func:`~genlab.language.N_` and shown in
    the reader's language (:func:`~genlab.language.tr`); so are the checker's
    messages, which it translates as it writes them."""

    def __init__(self, question: str, checker: Callable[[Any], str | None], *,
                 hint: str, solution: str, praise: str = N_("well done.")):
        self._question = question
        self._checker = checker
        self._hint = hint
        self._solution = solution
        self._praise = praise

    @property
    def question(self) -> str:
        """The question, in the reader's language."""
        return tr(self._question)

    def check(self, answer: Any) -> Feedback:
        if unanswered(answer):
            return Feedback(False, tr("replace the ... with your answer and run the cell "
                                      "again."), waiting=True)
        try:
            problem = self._checker(answer)
        except Exception as error:  # a malformed answer must never crash the checker
            problem = tr("this answer could not be checked ({error}). Check its type and "
                         "shape against the question.").format(
                             error=f"{type(error).__name__}: {error}")
        if problem is None:
            return Feedback(True, tr(self._praise))
        return Feedback(False, problem)

    def hint(self) -> Folded:
        """The hint, folded: it shows when the reader opens it."""
        return Folded(tr("Hint: {hint}").format(hint=tr(self._hint)), tr("Show the hint"))

    def solution(self) -> Folded:
        """A worked solution, folded: try the exercise first."""
        return Folded(tr("Solution:\n{solution}").format(solution=tr(self._solution)),
                      tr("Show a worked solution"))

    def __repr__(self) -> str:
        return tr("Exercise: {question}").format(question=self.question)


def described(answer: Any) -> str:
    """What the reader gave, for a feedback line, in the reader's language: a tensor's or
    an array's dtype and shape, else as :func:`genlab.checks.summary` says it."""
    if isinstance(answer, torch.Tensor):
        return tr("a {dtype} tensor shaped {shape}").format(dtype=answer.dtype,
                                                              shape=tuple(answer.shape))
    if isinstance(answer, np.ndarray):
        return tr("a {dtype} array shaped {shape}").format(dtype=answer.dtype,
                                                             shape=answer.shape)
    return summary(answer)


def call(function: Any, *args: Any) -> tuple[Any, str | None]:
    """Call the reader's ``function(*args)``: ``(result, None)``, or ``(None, what went
    wrong)`` — not a function, a raise, or a missing ``return``."""
    if not callable(function):
        return None, tr("expected a function, got {found}.").format(found=described(function))
    try:
        result = function(*args)
    except Exception as error:
        return None, tr("your function raised {error}").format(
            error=f"{type(error).__name__}: {error}")
    if result is None:
        return None, tr("the function returns None: add a return statement.")
    return result, None


def _is_numeric(dtype: torch.dtype) -> bool:
    return dtype != torch.bool and not dtype.is_complex


def _scalar(answer: Any, kind: str = N_("a number"),
            reduce_hint: str = "") -> tuple[int | float | None, str | None]:
    """``(value, None)`` if ``answer`` is one finite real number — Python, NumPy, or a
    0-d tensor or array — else ``(None, what is wrong)``. Integers stay ``int``.
    ``kind`` is English, marked with ``N_``."""
    kind = tr(kind)
    if isinstance(answer, (str, bytes)):
        return None, tr("expected {kind}, got the text {text}: write it without "
                        "quotes.").format(kind=kind, text=repr(answer))
    if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.ndim != 0:
        fix = tr(reduce_hint or N_("give one number."))
        return None, tr("expected {kind}, got {found}; {fix}").format(
            kind=kind, found=described(answer), fix=fix)
    if isinstance(answer, np.ndarray):
        if answer.dtype.kind not in "biufc":  # objects, text, dates
            return None, _expected(kind, answer)
        answer = answer[()]  # the NumPy scalar inside
    if isinstance(answer, torch.Tensor):
        if not _is_numeric(answer.dtype):
            return None, _expected(kind, answer)
        answer = answer.item()
    elif isinstance(answer, np.generic) and not isinstance(answer, np.bool_):
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None, _expected(kind, answer)
    if not math.isfinite(answer):
        return None, tr("expected {kind}, got {value}: a NaN or an infinity is never the "
                        "answer (a division by zero? a log of 0?).").format(kind=kind,
                                                                           value=answer)
    return answer, None


def _expected(kind: str, answer: Any) -> str:
    return tr("expected {kind}, got {found}.").format(kind=kind, found=described(answer))


def number_answer(answer: Any, reduce_hint: str = "") -> tuple[float | None, str | None]:
    """``(value, None)`` if ``answer`` is one finite number (Python, NumPy or a 0-d
    tensor), else ``(None, what is wrong)``."""
    value, problem = _scalar(answer, N_("one finite number"), reduce_hint)
    return (None, problem) if problem else (float(value), None)


def number_from_function(function: Any, *args: Any,
                         reduce_hint: str) -> tuple[float | None, str | None]:
    """Call the reader's ``function(*args)`` and return ``(value, None)`` if it gave one
    finite number, else ``(None, what went wrong)`` — a raise, a missing ``return``,
    text, NaN, or many numbers (``reduce_hint`` says how to make them one)."""
    result, problem = call(function, *args)
    if problem:
        return None, problem
    value, problem = number_answer(result, reduce_hint)
    if problem:
        return None, tr("your function's result: {problem}").format(problem=problem)
    return value, None


def whole_number(answer: Any) -> int | None:
    """The answer as an ``int`` if it is one whole number (Python, NumPy or a 0-d
    tensor), else ``None``."""
    value, problem = _scalar(answer)
    if problem or value != int(value):
        return None
    return int(value)


def real_number(answer: Any) -> float | None:
    """The answer as a finite ``float`` if it is one number, else ``None``."""
    return number_answer(answer)[0]


def integer_problem(answer: Any, expected: int, *, unit: str = "") -> str | None:
    """Say what is wrong with an integer answer, or ``None`` if it equals ``expected``."""
    value, problem = _scalar(answer, N_("a whole number"))
    if problem:
        return problem
    if value != int(value):
        return tr("expected a whole number, got {value}.").format(value=value)
    value = int(value)
    if value == expected:
        return None
    return too_large_or_small(value, expected, unit)


def too_large_or_small(value: float, expected: float, unit: str = "") -> str:
    """"13 pixels is too large." — ``unit`` is English, marked with ``N_``."""
    if value > expected:
        message = tr("{value} {unit} is too large.") if unit else tr("{value} is too large.")
    else:
        message = tr("{value} {unit} is too small.") if unit else tr("{value} is too small.")
    written = f"{value:g}" if isinstance(value, float) else str(value)
    return message.format(value=written, unit=tr(unit))


def tensor_answer(answer: Any, shape: tuple[int, ...], *, what: str | None = None,
                  computed: bool = False) -> tuple[torch.Tensor | None, str | None]:
    """``(tensor, None)`` — the answer as a float32 CPU tensor — if it is a tensor, a
    NumPy array or a nested list of finite numbers of ``shape``; else ``(None, what is
    wrong)``. ``what`` names the expected answer in messages (default: its shape), in
    English marked with ``N_``.

    ``computed``: the answer is what the reader's function computed from float
    tensors, so it must be a tensor (or NumPy array) of floats, as its inputs were: not
    a list, not integers."""
    shape = tuple(shape)
    if what:
        expected = tr(what)
    elif computed:
        expected = tr("a tensor of shape {shape}").format(shape=shape)
    else:
        expected = tr("a tensor (or nested list) of shape {shape}").format(shape=shape)
    found = type(answer).__name__
    if isinstance(answer, (list, tuple)):
        if computed:
            return None, tr("expected {expected}, got a {found}: return a tensor "
                            "(torch.stack(...) makes one of a list of tensors).").format(
                                expected=expected, found=found)
        if any(isinstance(a, (torch.Tensor, np.ndarray)) and a.ndim > 0 for a in answer):
            return None, tr("expected {expected}, got a {found} of tensors: stack them "
                            "into one with torch.stack(...).").format(expected=expected,
                                                                      found=found)
        try:
            answer = torch.tensor(answer)
        except (TypeError, ValueError, RuntimeError) as error:
            return None, tr("could not turn the list into a tensor ({error}): use "
                            "numbers only.").format(error=error)
    elif isinstance(answer, np.ndarray):
        try:
            answer = torch.from_numpy(np.array(answer))  # a copy; keeps a 0-d shape
        except TypeError:  # text, objects, dates: no tensor holds them
            return None, tr("expected {expected}, got {found}: use numbers only.").format(
                expected=expected, found=described(answer))
    if not isinstance(answer, torch.Tensor):
        return None, tr("expected {expected}, got {found}.").format(
            expected=expected, found=described(answer))
    if not _is_numeric(answer.dtype):
        return None, tr("expected real numbers, got a tensor of {dtype}.").format(
            dtype=answer.dtype)
    if computed and not answer.is_floating_point():
        return None, tr("expected float values, as the inputs were, got a tensor of "
                        "{dtype}: keep the computation in floats.").format(dtype=answer.dtype)
    if tuple(answer.shape) != shape:
        if what:
            return None, tr("expected {expected}, got shape {found}.").format(
                expected=expected, found=tuple(answer.shape))
        return None, tr("expected shape {shape}, got {found}.").format(
            shape=shape, found=tuple(answer.shape))
    answer = answer.detach().cpu().float()
    if not torch.isfinite(answer).all():
        return None, tr("the tensor holds NaN or infinite values.")
    return answer, None


def tensor_problem(answer: Any, shape: tuple[int, ...]) -> str | None:
    """Say what is wrong with the type or shape of a tensor answer, or ``None``."""
    return tensor_answer(answer, shape)[1]
