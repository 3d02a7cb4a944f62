"""A widget that steps the kernel over the input: Play, a step slider, and the diagram of that step."""

from __future__ import annotations

import ipywidgets as widgets

from ..config import LayerConfig
from ..figures import figure_png
from ..i18n import _
from ..params import IntOrTuple, Padding
from .drawing import GRID_INCHES, draw_diagram
from .geometry import DiagramData, diagram_data, layer_config

MAX_WIDTH_PX = 900
"""The picture is at most this wide: a laptop's JupyterLab (1366 px, file browser open) shows it whole."""
MAX_HEIGHT_PX = 440
"""... and this tall, so on a 1366×768 screen the controls and the picture stay in view while it plays."""
DPI = 80


class ConvDiagram(widgets.VBox):
    """Play / step slider over the kernel positions of one layer, and the diagram of the current step.

    ``.slider`` counts steps from 1 to ``n_steps``, as the diagram's title does
    (``step 3 of 9``); ``.data`` is the current step's :class:`DiagramData`. Setting
    ``.slider.value`` from code redraws before it returns. Each step is drawn once, as
    PNG bytes in ``.image`` (no figure stays open).
    """

    def __init__(
        self,
        input_size: IntOrTuple,
        kernel_size: IntOrTuple | LayerConfig,
        *,
        stride: IntOrTuple = 1,
        padding: Padding = 0,
        dilation: IntOrTuple = 1,
        transposed: bool = False,
        output_padding: IntOrTuple = 0,
        interval: int = 800,
    ) -> None:
        self.config = layer_config(kernel_size, stride=stride, padding=padding, dilation=dilation,
                                   transposed=transposed, output_padding=output_padding)
        self.input_size = input_size
        self.data: DiagramData = diagram_data(input_size, self.config)  # validates before any widget exists
        n = self.data.n_steps
        self.play = widgets.Play(value=1, min=1, max=n, step=1, interval=interval, description=_("play"))
        self.slider = widgets.IntSlider(value=1, min=1, max=n, step=1, description=_("step"),
                                        continuous_update=True, layout=widgets.Layout(width="320px"))
        self.total = widgets.Label(_("of {n}").format(n=n))
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        super().__init__([widgets.HBox([self.play, self.slider, self.total]), self.image])
        self.slider.observe(self._on_step, names="value")
        self._grid_inches = GRID_INCHES
        self._show(self.data)

    def _on_step(self, change: dict) -> None:
        self._show(diagram_data(self.input_size, self.config, step=change["new"] - 1))

    def _show(self, data: DiagramData) -> None:
        self.data = data
        fig = draw_diagram(data, grid_inches=self._grid_inches)
        width, height = fig.get_size_inches()
        too_tall = height - MAX_HEIGHT_PX / DPI
        if too_tall > 0 and self._grid_inches == GRID_INCHES:  # first step: shrink the grids, not the text
            self._grid_inches = max(2.0, GRID_INCHES - too_tall)
            fig = draw_diagram(data, grid_inches=self._grid_inches)
            width, height = fig.get_size_inches()
        dpi = min(DPI, MAX_WIDTH_PX / width, MAX_HEIGHT_PX / height)
        self.image.value = figure_png(fig, dpi=dpi)


def conv_diagram_widget(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple | LayerConfig,
    *,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    transposed: bool = False,
    output_padding: IntOrTuple = 0,
) -> ConvDiagram:
    """A :class:`ConvDiagram`: a Play button linked to a step slider, and the diagram of each step."""
    return ConvDiagram(input_size, kernel_size, stride=stride, padding=padding, dilation=dilation,
                       transposed=transposed, output_padding=output_padding)
