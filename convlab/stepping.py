"""Stepping through convolution cases: PyTorch's own output size, and a menu of cases with a stepper.

Lesson 03 checks every size formula against :func:`torch_size` (a real ``F.conv2d``),
and lets a student pick one of Dumoulin & Visin's cases from a menu and step the kernel
over it (:func:`case_explorer`). The stepper is kept small enough for a 1366×768 laptop
screen while it plays (:data:`STEPPER_MAX_HEIGHT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from .i18n import N_, _

if TYPE_CHECKING:
    from .diagrams.stepper import ConvDiagram

Case = tuple[int, int, int, int, int, int]
"""One case per axis: (i, k, p, s, d, o) = input, kernel, padding, stride, dilation, output size."""

STEPPER_MAX_HEIGHT = 420
"""Pixels the stepper's picture may take on screen: with the menu and the play bar the explorer
stays under about 500 px, what JupyterLab leaves for a notebook on a 1366×768 laptop screen."""

CASE_MENU_LABEL = N_("case")


def torch_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """The output side PyTorch gives for an i×i input and a k×k kernel (the judge of every formula)."""
    x, w = torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k)
    return int(F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-1])


def case_label(number: int, case: Case) -> str:
    """The menu text of a case: ``"7. i=6, k=3, p=1, s=2, d=1 → o=3"``."""
    i, k, p, s, d, o = case
    return f"{number}. i={i}, k={k}, p={p}, s={s}, d={d} → o={o}"


def case_stepper(case: Case, max_height: int = STEPPER_MAX_HEIGHT) -> ConvDiagram:
    """The stepping diagram of one case (``convlab.diagrams.conv_diagram_widget``), at most ``max_height`` px high."""
    from .diagrams.stepper import conv_diagram_widget

    i, k, p, s, d, _o = case
    stepper = conv_diagram_widget(i, k, stride=s, padding=p, dilation=d)
    layout = stepper.image.layout
    # The picture keeps its proportions and shrinks to fit; it never grows past its own size
    # (without align_self, the VBox would stretch it to the full width and scale it up).
    layout.max_height = f"{max_height}px"
    layout.max_width = "100%"
    layout.width = "auto"
    layout.height = "auto"
    layout.align_self = "flex-start"
    layout.object_fit = "scale-down"
    return stepper


def _case(values: Sequence[int]) -> Case:
    i, k, p, s, d, o = (int(v) for v in values)
    return i, k, p, s, d, o


def _explorer_class() -> type:
    import ipywidgets as widgets

    class CaseExplorer(widgets.VBox):
        """A menu of cases above the stepper of the chosen one.

        ``.menu`` is the Dropdown (its value is a case's label), ``.stepper`` the current
        stepper, ``.cases`` maps each label to its case. Choosing a case, from the menu or by
        setting ``.menu.value`` in code, builds that case's stepper before it returns.
        """

        def __init__(self, cases: Sequence[Sequence[int]], max_height: int = STEPPER_MAX_HEIGHT):
            self.cases = {case_label(n, _case(c)): _case(c) for n, c in enumerate(cases, 1)}
            if not self.cases:
                raise ValueError(_("case_explorer needs at least one case."))
            labels = list(self.cases)
            self.max_height = max_height
            self.menu = widgets.Dropdown(options=labels, value=labels[0], description=_(CASE_MENU_LABEL),
                                         layout=widgets.Layout(width="380px"))
            super().__init__([self.menu])
            self.menu.observe(lambda change: self.choose(change["new"]), names="value")
            self.choose(labels[0])

        def choose(self, label: str) -> None:
            """Show the stepper of the case with this menu label."""
            self.stepper = case_stepper(self.cases[label], self.max_height)
            self.children = (self.menu, self.stepper)

    return CaseExplorer


def case_explorer(cases: Sequence[Sequence[int]], max_height: int = STEPPER_MAX_HEIGHT) -> Any:
    """A menu of ``cases`` above the stepper of the chosen one (a ``CaseExplorer``, an ipywidgets VBox)."""
    return _explorer_class()(cases, max_height)
