"""The answer box: a quiz from the exercise bank, checked when the student presses Check."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..i18n import _
from .bank import TODO, Verdict, bank, check, parse_answer, show_solution


class Quiz(widgets.VBox):
    """A text box (or choice buttons) for one exercise of the bank, with Check and Show solution.

    ``submit(text)`` does what typing ``text`` and pressing Check does (for tests);
    ``.verdict`` holds the last :class:`Verdict`, ``.result`` its HTML widget.
    """

    def __init__(self, exercise_id: str):
        self.exercise_id = exercise_id
        exercise = bank()[exercise_id]
        self.verdict: Verdict | None = None
        self.prompt = widgets.HTML(f"<b>{html.escape(exercise.prompt)}</b>")
        self.box = widgets.Text(placeholder=_("your answer, e.g. 510 or (1, 1, 510, 510)"),
                                continuous_update=False, layout=widgets.Layout(width="260px"))
        self.check_button = widgets.Button(description=_("Check"), button_style="primary")
        self.solution_button = widgets.Button(description=_("Show solution"), icon="lightbulb-o")
        self.result = widgets.HTML()
        self.check_button.on_click(lambda _b: self.submit())
        self.solution_button.on_click(lambda _b: self.reveal())
        self.box.observe(lambda _c: self.submit(), names="value")
        super().__init__([self.prompt, widgets.HBox([self.box, self.check_button, self.solution_button]),
                          self.result])
        self.add_class("convlab-quiz")

    def submit(self, text: str | None = None) -> bool:
        """Check the box's text (or ``text``, typed in first); show and return the verdict."""
        if text is not None and text != self.box.value:
            self.box.value = text  # the observer checks it
            return bool(self.verdict)
        if not self.box.value.strip():
            self._show(Verdict(False, TODO + " " + _("Type your answer in the box, then press Check.")))
        else:
            self._show(check(self.exercise_id, parse_answer(self.box.value)))
        return bool(self.verdict)

    def reveal(self) -> None:
        """Show the solution and its explanation (the student asked)."""
        self._show(show_solution(self.exercise_id))

    def _show(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.result.value = verdict._repr_html_()


def quiz(exercise_id: str) -> Quiz:
    """An answer box for the bank's exercise ``exercise_id``."""
    return Quiz(exercise_id)
