"""One model of a 2-d convolution layer: its parameters, their rules, and what follows from them.

``LayerConfig`` is the single place that knows a Conv2d / ConvTranspose2d configuration:
the lab, the diagrams, the matrix view and ``make_layer`` all take one. Adding a
parameter (say ``padding_mode``) is one field here, its rule in ``validate``, and one
control in the lab.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

import torch
from torch import nn

from .arithmetic import (
    _check_common,
    _check_padding,
    check_channels,
    check_output_padding,
    conv_output_size,
    conv_transpose_output_size,
    mac_count,
    parameter_count,
    same_padding,
    weight_shape,
)
from .errors import ConvConfigError
from .i18n import _
from .params import IntOrTuple, Padding, as_tuple, pair, plain

PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]
PADDING_MODES: tuple[PaddingMode, ...] = ("zeros", "reflect", "replicate", "circular")
"""What ``padding_mode`` may be for a Conv2d; a ConvTranspose2d takes only ``"zeros"``."""


class LayerCounts(NamedTuple):
    """Learnable numbers and multiply-accumulates of one forward pass on one image."""

    parameters: int
    macs: int


@dataclass(frozen=True)
class LayerConfig:
    """A 2-d convolution layer's configuration, with PyTorch's names and defaults.

    >>> cfg = LayerConfig(3, 1, 3)
    >>> cfg.output_size((512, 512))
    (510, 510)
    >>> cfg.code()
    'nn.Conv2d(3, 1, kernel_size=3)'
    """

    in_channels: int
    out_channels: int
    kernel_size: IntOrTuple
    stride: IntOrTuple = 1
    padding: Padding = 0
    output_padding: IntOrTuple = 0
    dilation: IntOrTuple = 1
    groups: int = 1
    bias: bool = True
    padding_mode: str = "zeros"
    transposed: bool = False

    # -- rules ------------------------------------------------------------------------------
    def validate(self, hw: IntOrTuple | None = None) -> LayerConfig:
        """Raise :class:`ConvConfigError` for anything PyTorch would refuse; return ``self``.

        With an input size ``hw`` it also checks the kernel fits and the output is not empty.
        """
        check_channels(self.in_channels, self.out_channels, self.groups)
        _k, s, d = _check_common(2, self.kernel_size, self.stride, self.dilation)
        if self.padding_mode not in PADDING_MODES:
            raise ConvConfigError(_("padding_mode={mode!r} must be one of {modes}.").format(
                mode=self.padding_mode, modes=", ".join(PADDING_MODES)))
        if self.transposed and self.padding_mode != "zeros":
            raise ConvConfigError(_(
                "padding_mode={mode!r}: ConvTranspose2d supports only 'zeros' padding."
            ).format(mode=self.padding_mode))
        if isinstance(self.padding, str):
            if self.transposed:
                raise ConvConfigError(_(
                    "padding={padding!r}: ConvTranspose2d takes numbers only, not 'same' or 'valid'."
                ).format(padding=self.padding))
            if self.padding not in ("same", "valid"):
                raise ConvConfigError(_("padding={padding!r} must be a number, 'same' or 'valid'.").format(
                    padding=self.padding))
            if self.padding == "same" and any(si != 1 for si in s):
                raise ConvConfigError(_(
                    "padding='same' needs stride=1, but stride is {stride}: "
                    "with a larger stride the output cannot keep the input's size."
                ).format(stride=plain(self.stride)))
        else:
            _check_padding(as_tuple(self.padding, "padding", 2))
        if self.transposed:
            check_output_padding(as_tuple(self.output_padding, "output_padding", 2), s, d)
        elif as_tuple(self.output_padding, "output_padding", 2) != (0, 0):
            raise ConvConfigError(_("output_padding belongs to ConvTranspose2d; a Conv2d has none."))
        if hw is not None:
            self.output_size(hw)
            self._check_padding_fits(pair(hw, "size"))
        return self

    def _check_padding_fits(self, hw: tuple[int, int]) -> None:
        if self.padding_mode in ("zeros", "replicate"):
            return
        for (before, after), size, axis in zip(self.padding_amounts(), hw, (_("height"), _("width")), strict=True):
            limit = size - 1 if self.padding_mode == "reflect" else size
            if max(before, after) > limit:
                raise ConvConfigError(_(
                    "padding_mode={mode!r} pads by mirroring or wrapping the input, so padding ({pad}) must be "
                    "at most {limit} along the {axis} of a {size}-pixel input."
                ).format(mode=self.padding_mode, pad=max(before, after), limit=limit, axis=axis, size=size))

    @property
    def is_valid(self) -> bool:
        """True when ``validate()`` passes (without an input size)."""
        try:
            self.validate()
        except ConvConfigError:
            return False
        return True

    # -- what follows from the parameters ------------------------------------------------------
    def padding_amounts(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """(before, after) padding per axis, 'same' and 'valid' resolved."""
        if self.padding == "valid":
            return (0, 0), (0, 0)
        if self.padding == "same":
            (a, b), (c, e) = same_padding(pair(self.kernel_size, "kernel_size"), pair(self.dilation, "dilation"))
            return (a, b), (c, e)
        ph, pw = pair(self.padding, "padding")
        return (ph, ph), (pw, pw)

    def output_size(self, hw: IntOrTuple) -> tuple[int, int]:
        """Output (height, width) for an input of ``hw`` (an int means a square)."""
        h, w = pair(hw, "size")
        if self.transposed:
            if isinstance(self.padding, str):
                self.validate()  # raises: a transposed layer takes numbers only
                raise AssertionError("unreachable")
            out = conv_transpose_output_size((h, w), self.kernel_size, self.stride, self.padding,
                                             self.output_padding, self.dilation)
        else:
            out = conv_output_size((h, w), self.kernel_size, self.stride, self.padding, self.dilation)
        return out[0], out[1]

    @property
    def weight_shape(self) -> tuple[int, ...]:
        """(out, in/groups, kh, kw) for Conv2d; (in, out/groups, kh, kw) for ConvTranspose2d."""
        return weight_shape(self.in_channels, self.out_channels, pair(self.kernel_size, "kernel_size"),
                            self.groups, self.transposed)

    def counts(self, hw: IntOrTuple) -> LayerCounts:
        """Parameters and multiply-accumulates on one ``hw`` image."""
        macs = mac_count(self.in_channels, self.out_channels, self.kernel_size, pair(hw, "size"),
                         stride=self.stride, padding=self.padding, output_padding=self.output_padding,
                         dilation=self.dilation, groups=self.groups, transposed=self.transposed)
        params = parameter_count(self.in_channels, self.out_channels, pair(self.kernel_size, "kernel_size"),
                                 self.groups, self.bias)
        return LayerCounts(params, macs)

    def formula(self, hw: IntOrTuple) -> str:
        """The output-size formula, then one line per axis with this layer's numbers filled in."""
        h, w = pair(hw, "size")
        out = self.output_size((h, w))
        k, s, d = (pair(v, n) for v, n in ((self.kernel_size, "kernel_size"), (self.stride, "stride"),
                                           (self.dilation, "dilation")))
        lines = []
        if self.transposed:
            op = pair(self.output_padding, "output_padding")
            p = pair(self.padding, "padding")
            lines.append(_("out = (in−1)×stride − 2×padding + dilation×(kernel−1) + output_padding + 1"))
            for i, (axis, size) in enumerate((("H", h), ("W", w))):
                lines.append(f"{axis}_out = ({size}−1)×{s[i]} − 2×{p[i]} + {d[i]}×({k[i]}−1) + {op[i]} + 1 = {out[i]}")
        else:
            lines.append(_("out = ⌊(in + 2×padding − dilation×(kernel−1) − 1) / stride⌋ + 1"))
            amounts = self.padding_amounts()
            for i, (axis, size) in enumerate((("H", h), ("W", w))):
                before, after = amounts[i]
                pad = f"2×{before}" if before == after else f"{before}+{after}"
                lines.append(f"{axis}_out = ⌊({size} + {pad} − {d[i]}×({k[i]}−1) − 1) / {s[i]}⌋ + 1 = {out[i]}")
        return "\n".join(lines)

    # -- the layer itself ----------------------------------------------------------------------
    def build(self, seed: int = 2) -> nn.Conv2d | nn.ConvTranspose2d:
        """The layer, with ``xavier_normal_`` weights after ``torch.manual_seed(seed)``, as the seed lesson does.

        The global random state is restored afterwards, so the same configuration and seed
        always give the same weights.
        """
        self.validate()
        k, s, d = (pair(v, n) for v, n in ((self.kernel_size, "kernel_size"), (self.stride, "stride"),
                                           (self.dilation, "dilation")))
        layer: nn.Conv2d | nn.ConvTranspose2d
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            if self.transposed:
                layer = nn.ConvTranspose2d(
                    self.in_channels, self.out_channels, k, stride=s, padding=pair(self.padding, "padding"),
                    output_padding=pair(self.output_padding, "output_padding"), groups=self.groups,
                    bias=self.bias, dilation=d,
                )
            else:
                padding = self.padding if isinstance(self.padding, str) else pair(self.padding, "padding")
                layer = nn.Conv2d(
                    self.in_channels, self.out_channels, k, stride=s, padding=padding, dilation=d,
                    groups=self.groups, bias=self.bias, padding_mode=cast(PaddingMode, self.padding_mode),
                )
            nn.init.xavier_normal_(layer.weight.data)
        return layer

    def code(self) -> str:
        """The PyTorch line that builds this layer, with non-default arguments only."""
        cls = "nn.ConvTranspose2d" if self.transposed else "nn.Conv2d"
        args = [str(plain(self.in_channels)), str(plain(self.out_channels)),
                f"kernel_size={plain(self.kernel_size)!r}"]
        for f in dataclasses.fields(self):
            if f.name in ("in_channels", "out_channels", "kernel_size", "transposed"):
                continue
            if f.name == "output_padding" and not self.transposed:
                continue
            value = getattr(self, f.name)
            if value != f.default and not (isinstance(value, tuple) and set(value) == {f.default}):
                args.append(f"{f.name}={plain(value)!r}")
        return f"{cls}({', '.join(args)})"

    def replace(self, **changes: object) -> LayerConfig:
        """A copy with some parameters changed (the config itself is frozen)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
