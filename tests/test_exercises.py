"""Exercises give the right verdict, never raise, and read answers the way students type them."""

import pytest
import torch

from convlab import exercises
from convlab.exercises.bank import RIGHT, WRONG


@pytest.mark.parametrize("text, value", [
    ("510", 510),
    ("(1, 1, 510, 510)", (1, 1, 510, 510)),
    ("torch.Size([1, 1, 510, 510])", [1, 1, 510, 510]),
    ("1 1 510 510", (1, 1, 510, 510)),
    ("510x510", (510, 510)),
    ("510 × 510", (510, 510)),
    ("True", True),
    ("max", "max"),
])
def test_parse_answer_reads_what_students_type(text, value) -> None:
    assert exercises.parse_answer(text) == value


def _value_exercise(**kw) -> exercises.ValueExercise:
    fields = dict(id="99.test", lesson="99", _prompt="Output size?", _hint="Count the places the kernel fits.",
                  _explanation="512 − 3 + 1 places.", answer=lambda: torch.zeros(1, 1, 510, 510).shape)
    fields.update(kw)
    return exercises.ValueExercise(**fields)


def test_check_accepts_a_shape_in_any_form() -> None:
    ex = _value_exercise()
    for answer in ((1, 1, 510, 510), [1, 1, 510, 510], torch.Size([1, 1, 510, 510]), "1 1 510 510"):
        verdict = ex.check(exercises.parse_answer(answer) if isinstance(answer, str) else answer)
        assert verdict.correct and verdict.message.startswith(RIGHT)


def test_a_wrong_answer_gets_the_hint_not_the_solution() -> None:
    verdict = _value_exercise(answer=510).check(511)
    assert not verdict.correct and verdict.message.startswith(WRONG)
    assert "511" in verdict.message and "Count the places" in verdict.message and "510" not in verdict.message


def test_a_typical_mistake_gets_its_own_hint() -> None:
    ex = _value_exercise(answer=510, mistakes={512: "The kernel must fit inside the image."})
    assert "must fit inside" in ex.check(512).message


def test_an_unanswered_exercise_says_so_without_raising() -> None:
    assert "Not answered yet" in _value_exercise().check(...).message


def test_floats_compare_with_a_tolerance_and_print_cleanly() -> None:
    ex = _value_exercise(answer=lambda: torch.tensor(0.2).item())
    verdict = ex.check(0.2)
    assert verdict.correct and "0.2." in verdict.message and "0000000298" not in verdict.message
    assert not ex.check(0.25).correct


def test_a_verdict_shows_as_html_in_a_notebook() -> None:
    verdict = _value_exercise(answer=510).check(510)
    html = verdict._repr_html_()
    assert "convlab-verdict-right" in html and "var(--jp-content-font-color1" in html
    assert repr(verdict) == verdict.message and bool(verdict)
