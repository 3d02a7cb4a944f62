"""Exercises with instant feedback, from one bank.

In a notebook::

    answer = ...
    cl.exercises.check("01.conv1d-shape", answer)   # a value exercise

    def corr2d(X, K): ...
    cl.exercises.check("01.corr2d", corr2d)          # a code exercise

    cl.exercises.quiz("01.slide-axes")               # an answer box
    cl.exercises.show_solution("01.corr2d")          # when the student asks
"""

from __future__ import annotations

from typing import Any

from .bank import (
    CodeExercise,
    Exercise,
    ValueExercise,
    Verdict,
    bank,
    check,
    get,
    normalise,
    parse_answer,
    register,
    show,
    show_solution,
    solution_text,
)

__all__ = [
    "CodeExercise",
    "Exercise",
    "Quiz",
    "ValueExercise",
    "Verdict",
    "bank",
    "check",
    "get",
    "normalise",
    "parse_answer",
    "quiz",
    "register",
    "show",
    "show_solution",
    "solution_text",
]


def __getattr__(name: str) -> Any:
    # The answer box needs ipywidgets; load it only when asked.
    if name in ("Quiz", "quiz"):
        from . import quizbox as module

        return getattr(module, name)
    raise AttributeError(f"module 'convlab.exercises' has no attribute {name!r}")
