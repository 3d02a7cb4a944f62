"""The exercise bank: one registry of every exercise in the course, and the checker.

Lessons refer to an exercise by id (``"01.conv1d-shape"``); its text, hint,
explanation and solution live here, in ``convlab/exercises/lesson_NN.py``, so a
notebook cell never holds the answer. Two kinds:

- :class:`ValueExercise`: the student gives a value (a shape, a number, a word);
- :class:`CodeExercise`: the student writes a function; it is run on several cases,
  random ones included, against a reference built on torch, and the first failing
  case is reported with its input, the expected result and what came back.

``check(id, answer)`` never raises and a wrong answer's message never contains the
solution: it gives the exercise's hint (or a hint for that particular mistake).
"""

from __future__ import annotations

import ast
import html
import importlib
import inspect
import math
import pkgutil
import re
import signal
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch

from ..i18n import _

# Marks that every font has (DejaVu Sans included): colour emoji show as empty boxes where no
# emoji font is installed (headless browsers, many Linux desktops).
RIGHT, WRONG, TODO, IDEA = "✔", "✘", "✎", "➜"

CASE_TIME_LIMIT_S = 10
"""A student's function gets this long per case before it is stopped (no hung kernels)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`check`: ``correct`` and the ``message`` a student reads."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:  # a plain-text front end shows the message itself
        return self.message

    def _repr_html_(self) -> str:
        kind = "right" if self.correct else "wrong"
        body = html.escape(self.message).replace("\n", "<br>")
        return f"<div class='convlab-verdict convlab-verdict-{kind}' style='{_verdict_style(self.correct)}'>{body}</div>"


def _verdict_style(correct: bool) -> str:
    # JupyterLab's own variables: readable (>= 4.5:1) in the light and the dark theme alike.
    border = "var(--jp-success-color1, #1a7f37)" if correct else "var(--jp-warn-color1, #b35900)"
    return (f"border-left: 4px solid {border}; padding: 4px 10px; margin: 4px 0; "
            "color: var(--jp-content-font-color1, inherit); white-space: pre-wrap;")


# -- the two kinds of exercise -----------------------------------------------------------------
@dataclass(frozen=True)
class Exercise:
    """What every exercise has. Texts are English message ids, shown in the current language."""

    id: str
    lesson: str
    _prompt: str
    _hint: str
    _explanation: str

    @property
    def prompt(self) -> str:
        """The question, in the current language."""
        return _(self._prompt)

    @property
    def hint(self) -> str:
        """Guides towards the answer without giving it away."""
        return _(self._hint)

    @property
    def explanation(self) -> str:
        """Why the solution is right; shown once solved, or when the solution is asked for."""
        return _(self._explanation)

    @property
    def solution(self) -> Any:
        raise NotImplementedError

    @property
    def kind(self) -> str:
        raise NotImplementedError

    def check(self, answer: Any) -> Verdict:
        raise NotImplementedError


@dataclass(frozen=True)
class ValueExercise(Exercise):
    """The answer is a value: a shape, a number, a word.

    ``answer`` is the solution, or a function of no arguments that computes it with
    torch (so the bank states no number it has not computed). ``mistakes`` maps a
    typical wrong answer to a hint for that mistake (still without the solution).
    ``choices``: the answers a quiz offers, if it is a multiple choice.
    """

    answer: Any = None
    mistakes: Mapping[Any, str] = field(default_factory=dict)
    choices: Sequence[Any] = ()
    rel_tol: float = 1e-6

    @property
    def kind(self) -> str:
        return "value"

    @property
    def solution(self) -> Any:
        value = self.answer() if callable(self.answer) else self.answer
        return normalise(value)

    def check(self, answer: Any) -> Verdict:
        if _unanswered(answer):
            return Verdict(False, TODO + " " + _("Not answered yet: replace the ... with your answer and run the cell again."))
        got, want = normalise(answer), self.solution
        if _equal(got, want, self.rel_tol):
            return Verdict(True, RIGHT + " " + _("Right: {value}.").format(value=show(want)) + " " + self.explanation)
        hint = next((_(h) for m, h in self.mistakes.items() if _equal(got, normalise(m), self.rel_tol)), self.hint)
        if _same_kind(got, want):
            lead = _("Not quite: you gave {value}.").format(value=show(got))
        else:
            lead = _("Not quite: you gave {value}, but the answer is {kind}.").format(
                value=show(got), kind=_describe_kind(want))
        return Verdict(False, WRONG + " " + lead + " " + _("Hint:") + " " + hint)


Case = tuple[Any, ...]


@dataclass(frozen=True)
class CodeExercise(Exercise):
    """The answer is a function the student writes (``def corr2d(X, K): ...``).

    ``reference``: the solution, a function with the same arguments built on torch.
    ``cases``: given a seeded ``torch.Generator``, the argument tuples to try (fixed
    ones first, then random ones). ``compare(got, expected)`` returns '' when they
    agree, else what differs (default: same shape and values within ``atol``).
    ``signature``: how the function is called, shown when the student's has other
    arguments, e.g. ``"corr2d(X, K)"``.
    """

    reference: Callable[..., Any] | None = None
    cases: Callable[[torch.Generator], Iterable[Case]] | None = None
    signature: str = ""
    atol: float = 1e-4
    compare: Callable[[Any, Any], str] | None = None

    @property
    def kind(self) -> str:
        return "code"

    @property
    def solution(self) -> Callable[..., Any]:
        assert self.reference is not None
        return self.reference

    def case_list(self, seed: int = 0) -> list[Case]:
        """The argument tuples the checker tries, the same every time."""
        assert self.cases is not None
        return list(self.cases(torch.Generator().manual_seed(seed)))

    def check(self, answer: Any) -> Verdict:
        if _unanswered(answer):
            return Verdict(False, TODO + " " + _("Not answered yet: write the function, then pass it here (its name, without brackets)."))
        if not callable(answer):
            return Verdict(False, WRONG + " " + _("Pass your function itself, e.g. {call}: its name, without brackets.").format(
                call=f"check({self.id!r}, {self.signature.split('(')[0] or 'my_function'})"))
        cases = self.case_list()
        try:
            inspect.signature(answer).bind(*cases[0])
        except TypeError:
            return Verdict(False, WRONG + " " + _("Your function takes other arguments: it is called as {signature}.").format(
                signature=self.signature))
        except ValueError:  # a builtin without a signature: just try it
            pass
        compare = self.compare or _compare_tensors(self.atol)
        for number, args in enumerate(cases, start=1):
            expected = self.solution(*_copy(args))
            try:
                with _time_limit(CASE_TIME_LIMIT_S):
                    got = answer(*_copy(args))
            except _TimeUp:
                return Verdict(False, WRONG + " " + _("Case {n}: your function ran for more than {s} s and was stopped. "
                                               "Is a loop missing its end?").format(n=number, s=CASE_TIME_LIMIT_S)
                               + "\n" + _describe_case(args))
            except Exception as exc:  # noqa: BLE001  (any error in a student's code is a message, not a traceback)
                return Verdict(False, WRONG + " " + _("Case {n}: your function raised {error}.").format(
                    n=number, error=f"{type(exc).__name__}: {exc}") + "\n" + _describe_case(args)
                    + "\n" + _("Hint:") + " " + self.hint)
            if got is None and expected is not None:
                return Verdict(False, TODO + " " + _("Your function returned None: is its body still ..., "
                                                "or is a return statement missing?"))
            try:
                problem = compare(got, expected)
            except Exception as exc:  # noqa: BLE001
                problem = _("its result could not be compared ({error}).").format(error=f"{type(exc).__name__}: {exc}")
            if problem:
                return Verdict(False, WRONG + " " + _("Case {n} of {total} fails: {problem}").format(
                    n=number, total=len(cases), problem=problem) + "\n" + _describe_case(args)
                    + "\n" + _("expected:") + " " + _short(expected) + "\n" + _("got:") + " " + _short(got)
                    + "\n" + _("Hint:") + " " + self.hint)
        return Verdict(True, RIGHT + " " + _("Right on all {total} cases, random ones included.").format(total=len(cases))
                       + " " + self.explanation)


# -- the registry -----------------------------------------------------------------------------
_BANK: dict[str, Exercise] = {}
_loaded = False


def register(*exercises: Exercise) -> None:
    """Add exercises to the bank (each ``lesson_NN`` module calls this once)."""
    for ex in exercises:
        if ex.id in _BANK and _BANK[ex.id] is not ex:
            raise ValueError(f"exercise id {ex.id!r} is registered twice")
        _BANK[ex.id] = ex


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    from .. import exercises as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("lesson_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    _loaded = True


def bank() -> Mapping[str, Exercise]:
    """Every exercise of the course by id, in lesson order."""
    _load_all()
    return dict(sorted(_BANK.items()))


def get(exercise_id: str) -> Exercise | None:
    """The exercise with this id, or None."""
    return bank().get(exercise_id)


def check(exercise_id: str, answer: Any) -> Verdict:
    """Check ``answer`` to exercise ``exercise_id``; never raises.

    Shows as a coloured verdict when it ends a notebook cell. A right answer's message
    explains why; a wrong one gives a hint and never the solution.
    """
    try:
        exercise = get(exercise_id)
    except Exception as exc:  # noqa: BLE001  (a broken bank must not break a student's cell)
        return Verdict(False, f"⚠ convlab could not load its exercises: {exc}")
    if exercise is None:
        return Verdict(False, "⚠ " + _("There is no exercise {id!r}; check the id in the cell.").format(id=exercise_id))
    try:
        return exercise.check(answer)
    except Exception as exc:  # noqa: BLE001
        return Verdict(False, WRONG + " " + _("That answer could not be checked ({error}).").format(
            error=f"{type(exc).__name__}: {exc}"))


def solution_text(exercise_id: str) -> str:
    """The solution and its explanation, as a student reads them on asking for it."""
    exercise = bank()[exercise_id]
    if isinstance(exercise, CodeExercise):
        try:
            code = inspect.getsource(exercise.solution)
        except (OSError, TypeError):
            code = repr(exercise.solution)
        return _("One solution:") + "\n" + code + "\n" + exercise.explanation
    return _("Solution: {value}.").format(value=show(exercise.solution)) + " " + exercise.explanation


def show_solution(exercise_id: str) -> Verdict:
    """Show the solution of an exercise (the student asked for it)."""
    return Verdict(True, IDEA + " " + solution_text(exercise_id))


# -- reading and comparing answers --------------------------------------------------------------
def normalise(value: Any) -> Any:
    """Make shapes, tensors and lists comparable: torch.Size/list/tensor -> tuple or number."""
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else tuple(value.tolist())
    if isinstance(value, (list, tuple)):
        return tuple(normalise(v) for v in value)
    if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
        return value.item()  # NumPy scalars
    if isinstance(value, str):
        return value.strip()
    return value


def parse_answer(text: str) -> Any:
    """Read a student's typed answer: ``510``, ``(1, 1, 510, 510)``, ``1 1 510 510``, ``True``."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"(?<=\d)\s*[x×]\s*(?=\d)", ", ", text.strip().replace("torch.Size", ""))
    text = text.replace("，", ",").replace("（", "(").replace("）", ")")  # Chinese keyboards
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        parts = text.replace(",", " ").split()
        try:
            return tuple(int(p) for p in parts) if len(parts) > 1 else text
        except ValueError:
            return text


def show(value: Any) -> str:
    """A value as a student typed it: floats without float32 noise (0.2, not 0.20000000298)."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return value
    return repr(value)


def _unanswered(answer: Any) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    return isinstance(answer, str) and not answer.strip()


def _equal(got: Any, want: Any, rel_tol: float) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(float(got), float(want), rel_tol=rel_tol, abs_tol=rel_tol)
    if isinstance(want, tuple) and isinstance(got, tuple):
        return len(got) == len(want) and all(_equal(g, w, rel_tol) for g, w in zip(got, want, strict=True))
    if isinstance(want, str) and isinstance(got, str):
        return got.casefold() == want.casefold()
    try:
        return bool(got == want)
    except Exception:  # noqa: BLE001
        return False


def _same_kind(got: Any, want: Any) -> bool:
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want)
    if isinstance(want, bool):
        return isinstance(got, bool)
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float)) and not isinstance(got, bool)
    return isinstance(got, type(want))


def _describe_kind(want: Any) -> str:
    if isinstance(want, tuple):
        return _("a tuple of {n} numbers, like a shape").format(n=len(want))
    if isinstance(want, bool):
        return _("True or False")
    if isinstance(want, (int, float)):
        return _("a number")
    return _("a word")


def _copy(args: Case) -> Case:
    return tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in args)


def _short(value: Any, limit: int = 600) -> str:
    if isinstance(value, torch.Tensor):
        with _printoptions():
            text = _("tensor of shape {shape}:").format(shape=tuple(value.shape)) + f"\n{value}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + " …"


@contextmanager
def _printoptions():
    torch.set_printoptions(precision=3, sci_mode=False, threshold=60, edgeitems=3)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")


def _describe_case(args: Case) -> str:
    return _("input:") + "\n" + "\n".join(f"  [{i}] {_short(a, 300)}" for i, a in enumerate(args))


def _compare_tensors(atol: float) -> Callable[[Any, Any], str]:
    def compare(got: Any, expected: Any) -> str:
        if isinstance(expected, torch.Tensor):
            if not isinstance(got, torch.Tensor):
                try:
                    got = torch.as_tensor(got, dtype=expected.dtype)
                except Exception:  # noqa: BLE001
                    return _("it returned {type}, not a tensor.").format(type=type(got).__name__)
            if tuple(got.shape) != tuple(expected.shape):
                return _("the shape is {got}, but it should be {want}.").format(
                    got=tuple(got.shape), want=tuple(expected.shape))
            diff = (got.detach().double() - expected.detach().double()).abs()
            if not bool((diff <= atol + 1e-4 * expected.detach().double().abs()).all()):
                return _("the values differ by up to {d:.3g}.").format(d=float(diff.max()))
            return ""
        return "" if _equal(normalise(got), normalise(expected), 1e-6) else _("the result differs.")

    return compare


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Stop a runaway student function (an alarm; only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
