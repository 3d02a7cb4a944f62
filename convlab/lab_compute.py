"""The live lab's compute step, with no widgets: slider values -> LayerConfig -> output or a message.

``ConvLab`` reads its controls into a :class:`LabSettings`, turns it into a
:class:`~convlab.config.LayerConfig` with :func:`layer_config`, and hands that to
:func:`compute`, which returns an :class:`Outcome`: the output tensor, or the message
that explains why this layer cannot run. Nothing here touches a widget, so it is tested
and benchmarked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .arithmetic import common_divisors
from .config import LayerConfig
from .errors import ConvConfigError
from .i18n import N_, _
from .params import pair
from .transpose_paths import Path, choose_path, conv_transpose2d

MAX_OUTPUT_VALUES = 8_000_000
"""The lab refuses a layer whose output would hold more numbers than this (out_channels × H × W)."""


@dataclass(frozen=True)
class SliderSpec:
    """A slider's label (translated where shown), range and default."""

    label: str
    low: int
    high: int
    default: int
    transposed_default: int | None = None

    def default_for(self, transposed: bool) -> int:
        return self.transposed_default if transposed and self.transposed_default is not None else self.default


SLIDERS: dict[str, SliderSpec] = {
    "kernel_size": SliderSpec(N_("kernel size"), 1, 11, 3),
    "stride": SliderSpec(N_("stride"), 1, 4, 1, transposed_default=2),
    "padding": SliderSpec(N_("padding"), 0, 5, 0),
    "dilation": SliderSpec(N_("dilation"), 1, 4, 1),
    "groups": SliderSpec(N_("groups"), 1, 3, 1),
    "out_channels": SliderSpec(N_("out channels"), 1, 6, 1),
    "seed": SliderSpec(N_("seed"), 0, 9, 2),
    "output_padding": SliderSpec(N_("output padding"), 0, 3, 0),
}
"""Ranges and defaults; the defaults are the seed lesson's layers (Conv2d(3, 1, 3) and
ConvTranspose2d(3, 1, 3, stride=2), seed 2)."""


def slider_names(transposed: bool) -> list[str]:
    """The sliders a lab has: output padding only for the transposed one."""
    return [n for n in SLIDERS if transposed or n != "output_padding"]


@dataclass(frozen=True)
class LabSettings:
    """Everything a student can set in a lab (the image aside)."""

    values: tuple[tuple[str, int], ...]
    bias: bool = True
    padding_mode: str = "zeros"

    @classmethod
    def defaults(cls, transposed: bool) -> LabSettings:
        return cls(tuple((n, SLIDERS[n].default_for(transposed)) for n in slider_names(transposed)))

    def __getitem__(self, name: str) -> int:
        return dict(self.values)[name]


def layer_config(settings: LabSettings, in_channels: int, transposed: bool) -> LayerConfig:
    """The layer a lab's settings describe (not yet validated)."""
    v = dict(settings.values)
    return LayerConfig(
        in_channels, v["out_channels"], v["kernel_size"], stride=v["stride"], padding=v["padding"],
        output_padding=v.get("output_padding", 0), dilation=v["dilation"], groups=v["groups"],
        bias=settings.bias, padding_mode=settings.padding_mode, transposed=transposed,
    )


@dataclass(frozen=True)
class Outcome:
    """What one compute step produced: an output, or the message that says why there is none."""

    config: LayerConfig
    output: torch.Tensor | None
    error: str = ""
    path: str = ""


def check_groups(config: LayerConfig, low: int, high: int) -> None:
    """Groups must divide both channel counts; suggest only values the groups slider can reach."""
    g = config.groups
    if config.in_channels % g == 0 and config.out_channels % g == 0:
        return
    valid = [d for d in common_divisors(config.in_channels, config.out_channels) if low <= d <= high]
    raise ConvConfigError(_(
        "groups={groups} does not divide both channel counts: the channels are split into {groups} equal "
        "groups, so in_channels ({cin}) and out_channels ({cout}) must both be multiples of groups. "
        "On this slider, try groups = {valid}."
    ).format(groups=g, cin=config.in_channels, cout=config.out_channels,
             valid=_(" or ").join(str(d) for d in valid)))


def _fits(config: LayerConfig, hw: tuple[int, int]) -> bool:
    try:
        config.validate(hw)
    except ConvConfigError:
        return False
    h, w = config.output_size(hw)
    return config.out_channels * h * w <= MAX_OUTPUT_VALUES


def budget_fixes(config: LayerConfig, hw: tuple[int, int], settings: LabSettings | None = None) -> list[str]:
    """Single slider changes (the smallest for each slider) that bring the output within the budget."""
    sliders = [n for n in ("stride", "kernel_size", "dilation", "out_channels", "output_padding", "padding")
               if settings is None or n in dict(settings.values)]
    fixes = []
    for name in sliders:
        spec, now = SLIDERS[name], getattr(config, name)
        # Which way makes the output smaller: more padding shrinks a transposed output, less a conv one.
        down = not (name == "padding" and config.transposed)
        candidates = range(now - 1, spec.low - 1, -1) if down else range(now + 1, spec.high + 1)
        for value in candidates:
            if _fits(config.replace(**{name: value}), hw):
                fixes.append(_("{name} = {value}").format(name=_(spec.label), value=value))
                break
    return fixes


def check_budget(config: LayerConfig, hw: tuple[int, int], settings: LabSettings | None = None) -> None:
    """Refuse an output over :data:`MAX_OUTPUT_VALUES`, saying which single change would fit."""
    h, w = config.output_size(hw)
    n_values = config.out_channels * h * w
    if n_values <= MAX_OUTPUT_VALUES:
        return
    fixes = budget_fixes(config, hw, settings)
    message = _(
        "This output would hold {n:,} numbers ({c} × {h} × {w}), more than the lab's budget of {budget:,}."
    ).format(n=n_values, c=config.out_channels, h=h, w=w, budget=MAX_OUTPUT_VALUES)
    if fixes:
        message += " " + _("Any one of these fits: {fixes}.").format(fixes=_(", ").join(fixes))
    raise ConvConfigError(message)


def validate(config: LayerConfig, hw: tuple[int, int], settings: LabSettings | None = None) -> None:
    """Every rule the lab enforces before it runs a layer; raises :class:`ConvConfigError`."""
    spec = SLIDERS["groups"]
    check_groups(config, spec.low, spec.high)
    config.validate(hw)
    check_budget(config, hw, settings)


def run_layer(config: LayerConfig, seed: int, image: torch.Tensor) -> tuple[torch.Tensor, Path | str]:
    """The layer's output on ``image`` (weights as ``config.build(seed)`` makes them) and the path used.

    A transposed layer runs by the fastest exact path (:mod:`convlab.transpose_paths`);
    a Conv2d by the layer itself.
    """
    layer = config.build(seed)
    with torch.inference_mode():
        if not config.transposed:
            return layer.to(memory_format=torch.channels_last)(image), "conv2d"
        path = choose_path(config.stride, config.dilation, config.output_padding)
        out = conv_transpose2d(image, layer.weight, layer.bias, config.stride, pair(config.padding, "padding"),
                               config.output_padding, config.groups, config.dilation, path=path)
        return out, path


def compute(config: LayerConfig, seed: int, image: torch.Tensor, settings: LabSettings | None = None) -> Outcome:
    """One compute step: validate, then run; never raises for a configuration a student can reach."""
    hw = (image.shape[-2], image.shape[-1])
    try:
        validate(config, hw, settings)
        out, path = run_layer(config, seed, image)
    except ConvConfigError as exc:
        return Outcome(config, None, str(exc))
    except RuntimeError as exc:  # not expected: the checks above mirror PyTorch's
        return Outcome(config, None, _("PyTorch refused this layer: {error}").format(error=exc))
    return Outcome(config, out, "", path)


__all__ = ["MAX_OUTPUT_VALUES", "SLIDERS", "LabSettings", "Outcome", "SliderSpec", "compute",
           "layer_config", "run_layer", "slider_names", "validate"]
