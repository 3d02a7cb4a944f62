"""The live labs: sliders re-run nn.Conv2d or nn.ConvTranspose2d on an image at once.

One update is: controls -> :class:`~convlab.lab_compute.LabSettings` ->
:class:`~convlab.config.LayerConfig` -> the pure compute step
(:func:`convlab.lab_compute.compute`) -> a view update (this module, with the HTML and
CSS of :mod:`convlab.lab_view` and the image encoders of :mod:`convlab.render`).

Each change runs synchronously in the widget's observer, so setting
``lab.controls[name].value`` from code has updated ``.result`` and ``.error`` by the
time it returns. A fast drag does not queue stale work: ipywidgets' front end holds
back a slider's further state updates while one is still being processed by the
kernel and then sends only the latest value. A view update sends few widget messages:
a widget whose value did not change sends nothing, the text under the lab and the
pictures' sizes travel in one HTML, and the "stale" look is one class on one box.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

import ipywidgets as widgets
import torch

from .config import PADDING_MODES, LayerConfig
from .heap import return_freed_memory, reuse_freed_memory
from .i18n import _
from .images import STAND_IN, available_images, lena_path, load_image
from .lab_compute import MAX_OUTPUT_VALUES, SLIDERS, LabSettings, Outcome, SliderSpec, compute, layer_config
from .lab_view import (
    CSS,
    ZOOM_PNG_SCALE,
    info_html,
    invalid_shape_html,
    message_html,
    shape_html,
    size_style,
    zoom_caption,
    zoom_crop,
)
from .render import feature_maps_jpeg, grid_width, image_png, zoom_png

__all__ = ["DISPLAY_SIDE", "MAX_OUTPUT_VALUES", "SLIDERS", "ConvLab", "SliderSpec"]

DISPLAY_SIDE = 640
"""Images are encoded at most this many pixels wide: what a screen shows, not what the layer made."""

DESCRIPTION_WIDTH = "9em"
"""Room for the longest control label ("output padding", "padding mode") at any text size."""

_lab_ids = itertools.count()


def _lena_offline() -> bool:
    return lena_path(download=False) is None


def image_options(offline: bool | None = None) -> list[tuple[str, str]]:
    """The image chooser's (label, name) pairs. Offline, 'lena' shows the stand-in, which is then not listed again."""
    if not (_lena_offline() if offline is None else offline):
        return [(name, name) for name in available_images()]
    lena = _("lena (offline: {stand_in})").format(stand_in=STAND_IN)
    return [(lena, "lena")] + [(n, n) for n in available_images() if n not in ("lena", STAND_IN)]


class ConvLab(widgets.VBox):
    """The live lab for ``nn.Conv2d`` (or ``nn.ConvTranspose2d`` with ``transposed=True``).

    ``presenter=True`` draws it larger for a projector (JupyterLab's Presentation Mode
    does the same by itself).

    Attributes:
        controls: the slider widgets by parameter name.
        bias, padding_mode, image_chooser: the other controls (``padding_mode`` is None
            in the transposed lab: ConvTranspose2d pads with zeros only).
        result: the last output tensor, or None while the configuration is invalid.
        error: '' or the message shown to the student for an invalid configuration.
        updates: how many times the layer ran (or was refused): a fast drag is coalesced.
    """

    def __init__(self, image: str = "lena", transposed: bool = False, display_side: int = DISPLAY_SIDE,
                 presenter: bool = False):
        return_freed_memory()
        self.transposed = transposed
        self.display_side = display_side
        self.result: torch.Tensor | None = None
        self.error = ""
        self.outcome: Outcome | None = None
        self.updates = 0
        self._muted = 0
        self._images: dict[str, torch.Tensor] = {}
        self._start_image = image
        self._offline = False
        self._input = self._load(image)
        self._offline = _lena_offline()  # then 'lena' in the chooser is the stand-in, already shown once
        self._lab_class = f"convlab-id-{next(_lab_ids)}"
        self._size_style = ""
        self._build_controls()
        self._build_view()
        super().__init__([self._title, self._body, self.info])
        self.add_class("convlab-lab")
        self.add_class(self._lab_class)
        if presenter:
            self.add_class("convlab-presenter")
        self._show_input()
        self.update()

    # -- construction -------------------------------------------------------------------------
    def _build_controls(self) -> None:
        style = {"description_width": DESCRIPTION_WIDTH}
        self.controls: dict[str, widgets.IntSlider] = {}
        for name in SLIDERS:
            if name == "output_padding" and not self.transposed:
                continue
            spec = SLIDERS[name]
            self.controls[name] = widgets.IntSlider(
                value=spec.default_for(self.transposed), min=spec.low, max=spec.high, step=1,
                description=_(spec.label), continuous_update=True, style=style)
        self.bias = widgets.Checkbox(value=True, description=_("bias"), indent=True, style=style)
        self.padding_mode: widgets.Dropdown | None = None
        if not self.transposed:
            self.padding_mode = widgets.Dropdown(options=list(PADDING_MODES), value="zeros",
                                                 description=_("padding mode"), style=style)
        self.image_chooser = widgets.Dropdown(options=image_options(self._offline),
                                              value=self._chooser_value(self._start_image),
                                              description=_("image"), style=style)
        self.reset_button = widgets.Button(description=_("Reset"), icon="undo",
                                           tooltip=_("Back to the seed lesson's layer and image"))
        self.reset_button.on_click(lambda _button: self.reset())
        for slider in self.controls.values():
            slider.observe(self._on_change, names="value")
        self.bias.observe(self._on_change, names="value")
        if self.padding_mode is not None:
            self.padding_mode.observe(self._on_change, names="value")
        self.image_chooser.observe(self._on_image, names="value")

    def _build_view(self) -> None:
        title = "nn.ConvTranspose2d" if self.transposed else "nn.Conv2d"
        self._title = widgets.HTML(CSS + "<h3>{}</h3>".format(_("Live lab: {layer}").format(layer=title)))
        self.input_label = widgets.HTML()
        self.input_image = widgets.Image(format="png")
        self.output_label = widgets.HTML()
        self.output_label.add_class("convlab-output-shape")
        self.message = widgets.HTML()
        self.message.add_class("convlab-error")
        self.output_image = widgets.Image(format="jpeg")
        self.zoom_label = widgets.HTML()
        self.zoom_image = widgets.Image(format="png")
        self.info = widgets.HTML()
        self.info.add_class("convlab-info")
        others = [self.bias, *([self.padding_mode] if self.padding_mode is not None else []),
                  self.image_chooser, self.reset_button]
        controls = widgets.VBox([*self.controls.values(), *others])
        controls.add_class("convlab-controls")
        self.input_panel = _panel("convlab-input", self.input_label, self.input_image)
        self.output_panel = _panel("convlab-output", self.output_label, self.message, self.output_image)
        self.zoom_panel = _panel("convlab-zoom", self.zoom_label, self.zoom_image)
        self.pictures = widgets.Box([self.input_panel, self.output_panel, self.zoom_panel])
        self.pictures.add_class("convlab-pictures")
        self._body = widgets.Box([controls, self.pictures])
        self._body.add_class("convlab-body")

    def _chooser_value(self, name: str) -> str | None:
        if self._offline and name == STAND_IN:
            return "lena"  # offline, the chooser's 'lena' is this very picture
        return name if name in available_images() else None

    def _load(self, name: str) -> torch.Tensor:
        if self._offline and name == "lena":
            name = STAND_IN  # what load_image("lena") gives offline, without trying the network again
        if name not in self._images:
            self._images[name] = load_image(name).contiguous(memory_format=torch.channels_last)
        return self._images[name]

    def _show_input(self) -> None:
        self.input_image.value = image_png(self._input, self.display_side)
        self.input_label.value = shape_html(_("input"), self._input.shape)

    # -- events -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change several controls without one update each."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def _on_change(self, _change: dict) -> None:
        if not self._muted:
            self.update()

    def _on_image(self, change: dict) -> None:
        if change["new"] is None or self._muted:
            return
        self._set_image(change["new"])
        self.update()

    def _set_image(self, name: str) -> None:
        self._input = self._load(name)
        self._show_input()

    def reset(self) -> None:
        """Back to the seed lesson's layer and the lab's first image, with one run of the layer."""
        with self._quiet():
            for name, slider in self.controls.items():
                slider.value = SLIDERS[name].default_for(self.transposed)
            self.bias.value = True
            if self.padding_mode is not None:
                self.padding_mode.value = "zeros"
            self.image_chooser.value = self._chooser_value(self._start_image)
        if self._input is not self._load(self._start_image):
            self._input = self._load(self._start_image)
            self._show_input()
        self.update()

    @property
    def params(self) -> dict[str, int]:
        """The current slider values by parameter name."""
        return {name: slider.value for name, slider in self.controls.items()}

    @property
    def settings(self) -> LabSettings:
        """Everything the student set (the image aside)."""
        return LabSettings(tuple(self.params.items()), bias=self.bias.value,
                           padding_mode=self.padding_mode.value if self.padding_mode is not None else "zeros")

    @property
    def config(self) -> LayerConfig:
        """The layer the controls describe (it may be invalid: see ``.error``)."""
        return layer_config(self.settings, self._input.shape[1], self.transposed)

    # -- the work -----------------------------------------------------------------------------
    def update(self) -> None:
        """Re-run the layer with the current controls and refresh the view."""
        self.updates += 1
        settings = self.settings
        # Let go of the last output first: its memory then serves this one's.
        self.result = self.outcome = None
        with reuse_freed_memory():
            outcome = compute(layer_config(settings, self._input.shape[1], self.transposed), settings["seed"],
                              self._input, settings)
            self._show(outcome)

    def _show(self, outcome: Outcome) -> None:
        """The view update: only widgets whose value changes send a message to the browser."""
        self.outcome = outcome
        self.result, self.error = outcome.output, outcome.error
        config, out = outcome.config, outcome.output
        if out is None:
            self.message.value = message_html(outcome.error)
            self.pictures.add_class("convlab-stale")
            self.output_label.value = invalid_shape_html()
            self.info.value = self._size_style + info_html(config.code())
            return
        hw = (self._input.shape[-2], self._input.shape[-1])
        out_hw = (out.shape[-2], out.shape[-1])
        self.output_image.value = feature_maps_jpeg(out, self.display_side)
        rows, cols = zoom_crop(out_hw)
        self.zoom_image.value = zoom_png(out[0, 0], crop=max(rows, cols), scale=ZOOM_PNG_SCALE)
        self.output_label.value = shape_html(_("output"), out.shape)
        self.zoom_label.value = zoom_caption(out_hw, out.shape[1])
        self.message.value = ""
        self.pictures.remove_class("convlab-stale")
        self._size_style = size_style(self._lab_class, hw[1], grid_width(out.shape[1], out_hw, self.display_side),
                                      cols)
        counts = config.counts(hw)
        self.info.value = self._size_style + info_html(config.code(), config.formula(hw), counts.parameters,
                                                       counts.macs)


def _panel(css_class: str, *children: widgets.Widget) -> widgets.VBox:
    panel = widgets.VBox(list(children))
    panel.add_class("convlab-picture")
    panel.add_class(css_class)
    return panel
