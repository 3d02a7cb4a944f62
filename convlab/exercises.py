"""Exercises with instant feedback: ``check(...)`` in a cell, or a ``quiz(...)`` answer box."""

from __future__ import annotations

import ast
import re
from typing import Any

import torch

_UNANSWERED = (None, Ellipsis, "")


def _normalise(value: Any) -> Any:
    """Make shapes, tensors and lists comparable: torch.Size/list/tensor -> tuple or number."""
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else tuple(value.tolist())
    if isinstance(value, (list, tuple)):
        return tuple(_normalise(v) for v in value)
    return value


def parse_answer(text: str) -> Any:
    """Read a student's typed answer: ``510``, ``(1, 1, 510, 510)``, ``1 1 510 510``, ``True``."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"(?<=\d)\s*[x×]\s*(?=\d)", ", ", text.strip().replace("torch.Size", ""))
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        parts = text.replace(",", " ").split()
        try:
            return tuple(int(p) for p in parts) if len(parts) > 1 else text
        except ValueError:
            return text


def feedback(answer: Any, expected: Any, explain: str = "") -> tuple[bool, str]:
    """(is it right, the message a student reads) for ``answer`` against ``expected``."""
    if not isinstance(answer, (torch.Tensor, tuple, list)) and answer in _UNANSWERED:
        return False, "✏️ Not answered yet: replace the ... with your answer and run the cell again."
    got, want = _normalise(answer), _normalise(expected)
    if isinstance(want, float) or isinstance(got, float):
        right = isinstance(got, (int, float)) and abs(float(got) - float(want)) <= 1e-6 * max(1.0, abs(float(want)))
    else:
        right = got == want
    if right:
        return True, f"✅ Right: {_show(want)}." + (f" {explain}" if explain else "")
    return False, f"❌ Not quite: you gave {_show(got)}." + (f" Hint: {explain}" if explain else " Try again.")


def _show(value: Any) -> str:
    """A value as a student typed it: floats without float32 noise (0.2, not 0.20000000298)."""
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def check(answer: Any, expected: Any, explain: str = "") -> None:
    """Print right/wrong feedback for ``answer``.

    Returns nothing, so a cell ending in ``check(...)`` shows only the verdict; a wrong
    answer never raises, so a notebook runs top to bottom whatever is typed.
    """
    print(feedback(answer, expected, explain)[1])


def quiz(question: str, answer: Any, explain: str = "") -> Any:
    """An answer box: type, press Enter or *Check*, and read the verdict under it.

    Returns the widget; ``.submit(text)`` does what the button does (for tests).
    """
    import ipywidgets as widgets

    prompt = widgets.HTML(f"<b>{question}</b>")
    box = widgets.Text(placeholder="your answer, e.g. 510 or (1, 1, 510, 510)", continuous_update=False)
    button = widgets.Button(description="Check", button_style="primary")
    verdict = widgets.HTML()

    def submit(text: str | None = None) -> bool:
        if text is not None:
            box.value = text
        right, message = feedback(parse_answer(box.value) if box.value.strip() else None, answer, explain)
        colour = "#1a7f37" if right else "#b35900"
        verdict.value = f"<span style='color:{colour}'>{message}</span>"
        return right

    button.on_click(lambda _: submit())
    box.observe(lambda change: submit(), names="value")
    widget = widgets.VBox([prompt, widgets.HBox([box, button]), verdict])
    widget.submit = submit  # type: ignore[attr-defined]
    widget.verdict = verdict  # type: ignore[attr-defined]
    return widget
