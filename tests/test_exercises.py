"""Exercises give the right verdict, never raise, and read answers the way students type them."""

import pytest
import torch

from convlab import exercises


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


def test_check_accepts_a_shape_in_any_form(capsys) -> None:
    expected = torch.zeros(1, 1, 510, 510).shape
    assert exercises.feedback((1, 1, 510, 510), expected)[0]
    assert exercises.feedback([1, 1, 510, 510], expected)[0]
    assert exercises.check((1, 1, 510, 510), expected) is None
    assert "✅" in capsys.readouterr().out


def test_check_says_wrong_and_gives_the_hint(capsys) -> None:
    exercises.check(511, 510, explain="512 − 3 + 1")
    out = capsys.readouterr().out
    assert "❌" in out and "511" in out and "512 − 3 + 1" in out


def test_an_unanswered_exercise_says_so_without_raising(capsys) -> None:
    exercises.check(..., 510)
    assert "Not answered yet" in capsys.readouterr().out


def test_floats_compare_with_a_tolerance_and_print_cleanly() -> None:
    right, message = exercises.feedback(0.2, torch.tensor(0.2).item())
    assert right and "0.2." in message and "0000000298" not in message
    assert not exercises.feedback(0.25, 0.2)[0]


def test_quiz_box_checks_typed_answers() -> None:
    box = exercises.quiz("Output size?", answer=510, explain="512 − 3 + 1")
    assert box.submit("510") is True and "✅" in box.verdict.value
    assert box.submit("509") is False and "❌" in box.verdict.value
    assert box.submit("") is False and "Not answered" in box.verdict.value
