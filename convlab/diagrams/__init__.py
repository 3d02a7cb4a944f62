"""Kernel-position diagrams in the style of Dumoulin & Visin's conv_arithmetic, for any parameters.

- :mod:`.geometry`: what a picture holds (``DiagramData``, ``diagram_data``), pure data;
- :mod:`.drawing`: ``draw_conv`` draws it (into given Axes, or onto a new Figure outside pyplot);
- :mod:`.stepper`: ``ConvDiagram`` / ``conv_diagram_widget`` step the kernel with Play and a slider;
- ``draw_conv_matrix`` (C beside Cᵀ) lives beside the matrix code, in :mod:`convlab.matrix_figures`.

The widget's module (ipywidgets) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..figures import figure_png
from ..matrix_figures import draw_conv_matrix
from .drawing import COLORS, draw_conv, draw_diagram
from .geometry import MAX_GRID, DiagramData, diagram_data, layer_config

if TYPE_CHECKING:
    from .stepper import ConvDiagram, conv_diagram_widget

__all__ = [
    "COLORS",
    "MAX_GRID",
    "ConvDiagram",
    "DiagramData",
    "conv_diagram_widget",
    "diagram_data",
    "draw_conv",
    "draw_conv_matrix",
    "draw_diagram",
    "figure_png",
    "layer_config",
]


def __getattr__(name: str) -> Any:
    if name in ("ConvDiagram", "conv_diagram_widget"):
        from . import stepper

        return getattr(stepper, name)
    raise AttributeError(f"module 'convlab.diagrams' has no attribute {name!r}")
