"""The live labs: sliders re-run nn.Conv2d or nn.ConvTranspose2d on an image at once.

Each slider change runs synchronously in the widget's observer, so setting
``lab.controls[name].value`` from code has updated ``.result`` and ``.error`` by the
time it returns. A fast drag does not queue stale work: ipywidgets' front end holds
back a slider's further state updates while one is still being processed by the
kernel and then sends only the latest value.
"""

from __future__ import annotations

import ctypes
import functools
import html
import sys
from dataclasses import dataclass

import ipywidgets as widgets
import torch

from .arithmetic import conv_output_size, conv_transpose_output_size, mac_count, parameter_count
from .errors import ConvConfigError
from .images import STAND_IN, available_images, lena_path, load_image
from .layers import check_layer_config, layer_code, make_layer
from .render import feature_maps_jpeg, grid_columns, image_png, zoom_png

MAX_OUTPUT_VALUES = 8_000_000
"""The lab refuses a layer whose output would hold more numbers than this (out_channels × H × W)."""

DISPLAY_SIDE = 640
"""Images are encoded at most this many pixels wide: what a screen shows, not what the layer made."""

INPUT_WIDTH_PX = 320
"""The input is shown this wide; outputs at the same scale (up to DISPLAY_SIDE), so sizes compare."""


@dataclass(frozen=True)
class SliderSpec:
    label: str
    low: int
    high: int
    default: int
    transposed_default: int | None = None


SLIDERS: dict[str, SliderSpec] = {
    "kernel_size": SliderSpec("kernel size", 1, 11, 3),
    "stride": SliderSpec("stride", 1, 4, 1, transposed_default=2),
    "padding": SliderSpec("padding", 0, 5, 0),
    "dilation": SliderSpec("dilation", 1, 4, 1),
    "groups": SliderSpec("groups", 1, 3, 1),
    "out_channels": SliderSpec("out channels", 1, 6, 1),
    "seed": SliderSpec("seed", 0, 9, 2),
    "output_padding": SliderSpec("output padding", 0, 3, 0),
}
"""Ranges and defaults; the defaults are the seed lesson's layers (Conv2d(3, 1, 3) and
ConvTranspose2d(3, 1, 3, stride=2), seed 2)."""

_CSS = """<style>
.convlab-stale img { opacity: 0.35; filter: grayscale(1); }
.convlab-error { color: #b00020; font-weight: 600; }
.convlab-formula { font-family: monospace; }
.convlab-zoom img { image-rendering: pixelated; }
</style>"""


@functools.cache
def _return_freed_tensors_to_the_os() -> None:
    """Make glibc give large freed blocks back to the system at once.

    Each slider event frees an output of a new size (up to tens of MB). glibc raises
    its mmap threshold after such frees and then keeps later ones in its heap, so a
    kernel's memory would creep up by tens of MB over a lesson. A fixed threshold of
    1 MiB stops that; it changes nothing else. A no-op off glibc.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
        except (OSError, AttributeError):
            pass


class ConvLab(widgets.VBox):
    """The live lab for ``nn.Conv2d`` (or ``nn.ConvTranspose2d`` with ``transposed=True``).

    Attributes:
        controls: the slider widgets by parameter name.
        result: the last output tensor, or None while the configuration is invalid.
        error: '' or the message shown to the student for an invalid configuration.
    """

    def __init__(self, image: str = "lena", transposed: bool = False, display_side: int = DISPLAY_SIDE):
        _return_freed_tensors_to_the_os()
        self.transposed = transposed
        self.display_side = display_side
        self.result: torch.Tensor | None = None
        self.error = ""
        self.updates = 0  # layers run (or refused) so far: shows a fast drag is coalesced
        self._images: dict[str, torch.Tensor] = {}

        names = [n for n in SLIDERS if transposed or n != "output_padding"]
        self.controls: dict[str, widgets.IntSlider] = {n: self._slider(n) for n in names}
        self._input: torch.Tensor = self._load(image)
        self.image_chooser = widgets.Dropdown(
            options=_image_options(), value=image if image in available_images() else None,
            description="image", style={"description_width": "110px"}, layout=widgets.Layout(width="320px"),
        )
        self.bias = widgets.Checkbox(value=True, description="bias", indent=True,
                                     style={"description_width": "110px"})
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="Back to the seed lesson's layer")
        self.reset_button.on_click(lambda _: self.reset())

        self.input_image = widgets.Image(format="png", layout=widgets.Layout(width=f"{INPUT_WIDTH_PX}px"))
        self.output_image = widgets.Image(format="jpeg", layout=widgets.Layout(height="auto"))
        self.zoom_image = widgets.Image(format="png")
        self.zoom_label = widgets.HTML("<b>zoom</b>: centre of the output, real pixels ×4")
        self.input_label = widgets.HTML()
        self.output_label = widgets.HTML()
        self.output_label.add_class("convlab-output-shape")
        self.formula = widgets.HTML()
        self.formula.add_class("convlab-formula")
        self.code = widgets.HTML()
        self.counts = widgets.HTML()
        self.message = widgets.HTML()
        self.message.add_class("convlab-error")
        self.output_panel = widgets.VBox([self.output_label, self.output_image])
        self.zoom_panel = widgets.VBox([self.zoom_label, self.zoom_image])
        self.zoom_panel.add_class("convlab-zoom")
        self._show_input()

        for slider in self.controls.values():
            slider.observe(self._on_change, names="value")
        self.bias.observe(self._on_change, names="value")
        self.image_chooser.observe(self._on_image, names="value")

        title = "nn.ConvTranspose2d" if transposed else "nn.Conv2d"
        super().__init__([
            widgets.HTML(_CSS + f"<h3>Live lab: {title}</h3>"),
            widgets.HBox([
                widgets.VBox([*self.controls.values(), self.bias, self.image_chooser, self.reset_button],
                             layout=widgets.Layout(min_width="330px")),
                widgets.VBox([self.input_label, self.input_image, self.zoom_panel]),
                self.output_panel,
            ]),
            self.message, self.formula, self.code, self.counts,
        ])
        self.add_class("convlab-lab")
        self.update()

    # -- construction -------------------------------------------------------------------------
    def _slider(self, name: str) -> widgets.IntSlider:
        spec = SLIDERS[name]
        return widgets.IntSlider(
            value=self._default(name), min=spec.low, max=spec.high, step=1, description=spec.label,
            continuous_update=True, style={"description_width": "110px"},
            layout=widgets.Layout(width="320px"),
        )

    def _default(self, name: str) -> int:
        spec = SLIDERS[name]
        return spec.transposed_default if self.transposed and spec.transposed_default is not None else spec.default

    def _load(self, name: str) -> torch.Tensor:
        if name not in self._images:
            self._images[name] = load_image(name).contiguous(memory_format=torch.channels_last)
        return self._images[name]

    def _show_input(self) -> None:
        self.input_image.value = image_png(self._input, self.display_side)
        self.input_label.value = f"<b>input</b> {_shape(self._input.shape)}"

    # -- events -------------------------------------------------------------------------------
    def _on_change(self, _change: dict) -> None:
        self.update()

    def _on_image(self, change: dict) -> None:
        if change["new"] is None:
            return
        self._input = self._load(change["new"])
        self._show_input()
        self.update()

    def reset(self) -> None:
        """Put every slider back to the seed lesson's layer (one update, not one per slider)."""
        with self.hold_trait_notifications():
            for name, slider in self.controls.items():
                slider.unobserve(self._on_change, names="value")
                slider.value = self._default(name)
                slider.observe(self._on_change, names="value")
            self.bias.value = True
        self.update()

    @property
    def params(self) -> dict[str, int]:
        """The current slider values by parameter name."""
        return {name: slider.value for name, slider in self.controls.items()}

    # -- the work -----------------------------------------------------------------------------
    def update(self) -> None:
        """Re-run the layer with the current values and refresh every panel."""
        self.updates += 1
        p = self.params
        layer_args = dict(
            transposed=self.transposed, stride=p["stride"], padding=p["padding"],
            output_padding=p.get("output_padding", 0), dilation=p["dilation"], groups=p["groups"],
        )
        in_channels = self._input.shape[1]
        self.code.value = "<code>" + html.escape(layer_code(
            in_channels, p["out_channels"], p["kernel_size"], bias=self.bias.value, **layer_args)) + "</code>"
        try:
            check_layer_config(in_channels, p["out_channels"], p["kernel_size"], **layer_args)
            out_hw = self._output_size(p)
            n_values = p["out_channels"] * out_hw[0] * out_hw[1]
            if n_values > MAX_OUTPUT_VALUES:
                raise ConvConfigError(
                    f"This output would hold {n_values:,} numbers ({p['out_channels']} × {out_hw[0]} × "
                    f"{out_hw[1]}), more than the lab's budget of {MAX_OUTPUT_VALUES:,}. Lower the stride, "
                    "kernel size, dilation or out channels."
                )
            layer = make_layer(in_channels, p["out_channels"], p["kernel_size"], bias=self.bias.value,
                               seed=p["seed"], **layer_args)
            with torch.inference_mode():
                out = layer.to(memory_format=torch.channels_last)(self._input)
        except ConvConfigError as exc:
            self._fail(str(exc))
            return
        except RuntimeError as exc:  # not expected: the checks above mirror PyTorch's
            self._fail(f"PyTorch refused this layer: {exc}")
            return
        self.result = out
        self.error = ""
        self.message.value = ""
        self.output_panel.remove_class("convlab-stale")
        self.zoom_panel.remove_class("convlab-stale")
        self.output_image.value = feature_maps_jpeg(out, self.display_side)
        self.output_image.layout.width = f"{self._display_width(out)}px"
        self.zoom_image.value = zoom_png(out[0, 0])
        self.output_label.value = f"<b>output</b> {_shape(out.shape)}"
        self.formula.value = self._formula_html(p)
        self.counts.value = self._counts_html(p)

    def _output_size(self, p: dict[str, int]) -> tuple[int, int]:
        hw = tuple(self._input.shape[-2:])
        if self.transposed:
            return conv_transpose_output_size(hw, p["kernel_size"], p["stride"], p["padding"],
                                              p["output_padding"], p["dilation"])  # type: ignore[return-value]
        return conv_output_size(hw, p["kernel_size"], p["stride"], p["padding"], p["dilation"])  # type: ignore[return-value]

    def _fail(self, message: str) -> None:
        self.result = None
        self.error = message
        self.message.value = "⚠ " + html.escape(message) + " <i>(the picture shows the last valid layer)</i>"
        self.output_panel.add_class("convlab-stale")
        self.zoom_panel.add_class("convlab-stale")
        self.output_label.value = "<b>output</b> — (invalid configuration)"
        self.formula.value = ""
        self.counts.value = ""

    def _display_width(self, out: torch.Tensor) -> int:
        """On-screen width of the output grid, at the input's scale, so bigger looks bigger."""
        cols = grid_columns(out.shape[1])
        scale = INPUT_WIDTH_PX / self._input.shape[-1]
        return max(24, min(self.display_side, round(cols * out.shape[-1] * scale)))

    def _formula_html(self, p: dict[str, int]) -> str:
        rows = []
        for axis, size in zip(("H", "W"), self._input.shape[-2:], strict=True):
            k, s, pad, d = p["kernel_size"], p["stride"], p["padding"], p["dilation"]
            if self.transposed:
                op = p["output_padding"]
                out = conv_transpose_output_size(size, k, s, pad, op, d)
                rows.append(f"{axis}_out = ({size}−1)×{s} − 2×{pad} + {d}×({k}−1) + {op} + 1 = {out}")
            else:
                out = conv_output_size(size, k, s, pad, d)
                rows.append(f"{axis}_out = ⌊({size} + 2×{pad} − {d}×({k}−1) − 1) / {s}⌋ + 1 = {out}")
        if self.transposed:
            rule = "out = (in−1)×stride − 2×padding + dilation×(kernel−1) + output_padding + 1"
        else:
            rule = "out = ⌊(in + 2×padding − dilation×(kernel−1) − 1) / stride⌋ + 1"
        return f"<div>{rule}</div>" + "".join(f"<div>{r}</div>" for r in rows)

    def _counts_html(self, p: dict[str, int]) -> str:
        in_channels = self._input.shape[1]
        params = parameter_count(in_channels, p["out_channels"], p["kernel_size"], p["groups"], self.bias.value)
        macs = mac_count(
            in_channels, p["out_channels"], p["kernel_size"], tuple(self._input.shape[-2:]),
            stride=p["stride"], padding=p["padding"], output_padding=p.get("output_padding", 0),
            dilation=p["dilation"], groups=p["groups"], transposed=self.transposed,
        )
        return f"parameters: <b>{params:,}</b> &nbsp; multiply-accumulates: <b>{macs:,}</b>"


def _image_options() -> list[tuple[str, str]]:
    """The chooser's (label, name) pairs; offline, 'lena' says it shows the stand-in."""
    lena = "lena" if lena_path(download=False) is not None else f"lena (offline: {STAND_IN})"
    return [(lena if name == "lena" else name, name) for name in available_images()]


def _shape(shape: torch.Size) -> str:
    return f"<code>torch.Size({list(shape)})</code>"
