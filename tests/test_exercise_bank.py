"""The whole exercise bank: wrong answers are refused without the solution, solutions accepted,
and a student's broken function gets a message, never a traceback."""

from __future__ import annotations

import re

import pytest
import torch

from convlab import exercises
from convlab.exercises import CodeExercise, ValueExercise
from convlab.i18n import set_language

BANK = exercises.bank()
VALUES = [i for i, e in BANK.items() if isinstance(e, ValueExercise)]
CODES = [i for i, e in BANK.items() if isinstance(e, CodeExercise)]


def _wrong(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if isinstance(value, float):
        return value * 3 + 11
    if isinstance(value, tuple):
        return value[:-1] + (_wrong(value[-1]),) if value else (1,)
    return "zzz-not-it"


def _contains(message: str, solution) -> bool:
    """Does the message state the solution (as a standalone token)?"""
    text = exercises.show(solution)
    return re.search(rf"(?<![\w.]){re.escape(text)}(?![\w.])", message) is not None


def test_the_bank_holds_exercises_of_every_lesson() -> None:
    lessons = {e.lesson for e in BANK.values()}
    assert {"00", "01", "02", "03", "04", "05", "06", "07", "08"} <= lessons
    code_lessons = {BANK[i].lesson for i in CODES}
    assert {"01", "02", "03", "04", "05", "06", "07", "08"} <= code_lessons


@pytest.mark.parametrize("exercise_id", list(BANK))
def test_every_exercise_has_its_texts(exercise_id) -> None:
    ex = BANK[exercise_id]
    assert ex.id == exercise_id and exercise_id.startswith(ex.lesson + ".")
    for text in (ex.prompt, ex.hint, ex.explanation):
        assert isinstance(text, str) and len(text) > 10


@pytest.mark.parametrize("exercise_id", VALUES)
def test_value_exercise_refuses_a_wrong_answer_without_giving_the_solution(exercise_id) -> None:
    ex = BANK[exercise_id]
    solution = ex.solution
    assert exercises.check(exercise_id, solution).correct
    wrong = _wrong(solution)
    verdict = exercises.check(exercise_id, wrong)
    assert not verdict.correct
    assert not _contains(verdict.message, solution), verdict.message
    assert not _contains(ex.hint, solution), ex.hint
    for mistake in ex.mistakes:
        verdict = exercises.check(exercise_id, mistake)
        assert not verdict.correct and not _contains(verdict.message, solution), verdict.message
    for junk in (..., None, "", object(), "banana", [[1], 2]):
        verdict = exercises.check(exercise_id, junk)  # never raises
        said = verdict.message.replace(exercises.show(exercises.normalise(junk)), "")  # the echo of the junk
        assert not verdict.correct and not _contains(said, solution), verdict.message


@pytest.mark.parametrize("exercise_id", CODES)
def test_code_exercise_accepts_its_reference_and_explains_failures(exercise_id) -> None:
    ex = BANK[exercise_id]
    assert exercises.check(exercise_id, ex.solution).correct

    def raises(*args):
        raise RuntimeError("student bug")

    def wrong_shape(*args):
        return torch.zeros(1, 2, 3, 4, 5)

    def no_args():
        return 0

    for bad, words in ((raises, "RuntimeError"), (wrong_shape, ""), (no_args, ""), (..., ""), (42, "")):
        verdict = exercises.check(exercise_id, bad)
        assert not verdict.correct and verdict.message
        assert words in verdict.message


def test_code_exercise_reports_the_first_failing_case_with_input_expected_got() -> None:
    exercise_id = CODES[0]
    ex = BANK[exercise_id]
    cases = ex.case_list()

    def right_but_last(*args):
        out = ex.solution(*args)
        same = all(torch.equal(a, b) for a, b in zip(args, cases[-1], strict=True) if isinstance(a, torch.Tensor))
        return out + 1 if same else out

    verdict = exercises.check(exercise_id, right_but_last)
    assert not verdict.correct
    assert f"{len(cases)} of {len(cases)}" in verdict.message
    assert "expected" in verdict.message and "got" in verdict.message and "input" in verdict.message


def test_unknown_ids_and_a_broken_answer_are_messages() -> None:
    assert not exercises.check("99.nope", 1).correct
    assert "99.nope" in exercises.check("99.nope", 1).message


def test_quiz_says_type_your_answer_on_an_empty_box() -> None:
    quiz = exercises.quiz(VALUES[0])
    assert quiz.submit("") is False
    assert "Type your answer" in quiz.verdict.message and "..." not in quiz.verdict.message
    assert quiz.submit(str(BANK[VALUES[0]].solution)) is True


def test_every_text_of_the_bank_has_a_chinese_translation() -> None:
    set_language("zh")
    try:
        for ex in BANK.values():
            for english, shown in ((ex._prompt, ex.prompt), (ex._hint, ex.hint), (ex._explanation, ex.explanation)):
                assert shown != english, f"{ex.id}: untranslated: {english[:60]}"
    finally:
        set_language("en")


def test_a_stub_that_still_returns_nothing_is_told_so() -> None:
    def stub(*args):
        ...

    verdict = exercises.check(CODES[0], stub)
    assert not verdict.correct and "None" in verdict.message and "Case" not in verdict.message
