"""Exact, fast ways to compute ``F.conv_transpose2d`` on a CPU, and a rule that picks one.

Every path returns what ``nn.ConvTranspose2d`` returns (up to float rounding); they
differ only in speed, which depends on the configuration:

- ``onednn``: ``F.conv_transpose2d`` itself. With ``dilation > 1`` and ``stride > 1``, or
  with ``output_padding > 0``, oneDNN falls to a slow reference loop (0.3–10 s on the
  lab's 512×512 image).
- ``direct``: the direct convolution hidden in the transposed one (see
  :func:`convlab.matrix.transposed_as_direct`): insert ``stride-1`` zeros between the
  input pixels, pad by ``q = dilation*(k-1) - padding`` (a negative ``q`` crops) and run
  ``F.conv2d`` with the kernel rotated by 180° and in/out channels swapped. With
  ``stride > 1`` most of its multiplications are by inserted zeros.
- ``phases``: the sub-pixel form. Output pixels ``o`` with the same ``o mod stride`` (a
  *phase*) are all made by the same subset of kernel taps, so each phase is one small
  direct convolution of the un-inflated input with that subset (flipped, with dilation
  ``dilation / gcd(dilation, stride)``); the phases are interleaved into the output.
  Only useful multiplications, but ``stride²`` small convolutions.
- ``subpixel``: the same phases, merged: phases whose taps lie on a common grid become
  the output channels of one convolution (each phase's taps placed in a shared window),
  then are scattered into their pixels, as ``F.pixel_shuffle`` does. Few, wide
  convolutions, which oneDNN runs far better than many with one output channel.

:func:`choose_path` is the rule and :func:`conv_transpose2d` applies it;
``benchmarks/lab_response.py --paths`` measures every path on the lab's random states.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

import torch
import torch.nn.functional as F

Path = Literal["onednn", "direct", "phases", "subpixel"]
PATHS: tuple[Path, ...] = ("onednn", "direct", "phases", "subpixel")

IntPair = int | Sequence[int]


def _pair(value: IntPair) -> tuple[int, int]:
    if isinstance(value, Sequence):
        a, b = value
        return (int(a), int(b))
    return (int(value), int(value))


def direct_weight(weight: torch.Tensor, groups: int) -> torch.Tensor:
    """ConvTranspose2d weight (in, out/groups, kh, kw) -> (out, in/groups, kh, kw), channels swapped per group.

    Not flipped: the direct path flips the whole kernel, the phases flip their parts.
    """
    cin, cout_g, kh, kw = weight.shape
    w = weight.reshape(groups, cin // groups, cout_g, kh, kw).transpose(1, 2)
    return w.reshape(groups * cout_g, cin // groups, kh, kw)


def output_size(size: int, k: int, s: int, p: int, op: int, d: int) -> int:
    """PyTorch's ConvTranspose output size along one axis."""
    return (size - 1) * s - 2 * p + d * (k - 1) + op + 1


def conv_transpose2d_onednn(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: IntPair = 1,
    padding: IntPair = 0, output_padding: IntPair = 0, groups: int = 1, dilation: IntPair = 1,
) -> torch.Tensor:
    """``F.conv_transpose2d`` itself."""
    return F.conv_transpose2d(x, weight, bias, _pair(stride), _pair(padding), _pair(output_padding),
                              groups, _pair(dilation))


def conv_transpose2d_direct(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: IntPair = 1,
    padding: IntPair = 0, output_padding: IntPair = 0, groups: int = 1, dilation: IntPair = 1,
) -> torch.Tensor:
    """Zero insertion + ``F.conv2d`` with the rotated kernel (same signature as ``F.conv_transpose2d``)."""
    s, p, op, d = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    kh, kw = weight.shape[-2:]
    if s != (1, 1):
        h, w = x.shape[-2:]
        inflated = x.new_zeros(*x.shape[:-2], (h - 1) * s[0] + 1, (w - 1) * s[1] + 1)
        inflated[..., :: s[0], :: s[1]] = x
        x = inflated
    q = (d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1])
    # F.pad order is (left, right, top, bottom); a negative amount crops.
    x = F.pad(x, (q[1], q[1] + op[1], q[0], q[0] + op[0]))
    rotated = direct_weight(weight, groups).flip(-1, -2)
    return F.conv2d(x, rotated, bias, dilation=d, groups=groups)


class PhaseTaps(NamedTuple):
    """Along one axis, the kernel taps that make output phase ``r`` (the outputs ``o = s*m + r``).

    Output ``o`` receives ``x[i] * w[t]`` when ``o = i*s - p + t*d``, so phase ``r`` takes the taps
    ``t ≡ first (mod step)`` with ``t*d ≡ r + p (mod s)``: ``first, first + step, ...`` (``n_taps`` of
    them), ``step = s / gcd(d, s)``. Flipped, the j-th of them reads input ``m + offset + j*d'``
    with ``d' = d / gcd(d, s)``; ``rows`` is how many outputs the phase has.
    """

    first: int
    step: int
    n_taps: int
    offset: int
    rows: int


def phase_taps(k: int, s: int, p: int, d: int, out: int) -> list[PhaseTaps | None]:
    """:class:`PhaseTaps` for each phase ``r < min(s, out)`` of one axis (None: no tap reaches it)."""
    step = s // math.gcd(d, s)
    result: list[PhaseTaps | None] = []
    for r in range(min(s, out)):
        first = next((t for t in range(min(k, step)) if (t * d - r - p) % s == 0), None)
        if first is None:
            result.append(None)
            continue
        count = (k - 1 - first) // step + 1
        last = first + (count - 1) * step
        result.append(PhaseTaps(first, step, count, (r + p - last * d) // s, -(-(out - r) // s)))
    return result


def _sizes(x: torch.Tensor, weight: torch.Tensor, s, p, op, d) -> tuple[int, int]:
    kh, kw = weight.shape[-2:]
    return output_size(x.shape[-2], kh, s[0], p[0], op[0], d[0]), output_size(x.shape[-1], kw, s[1], p[1], op[1], d[1])


def _window(x: torch.Tensor, low: tuple[int, int], length: tuple[int, int]) -> torch.Tensor:
    """``x`` padded or cropped so that index 0 is input ``low`` and each axis has ``length`` samples."""
    h, w = x.shape[-2:]
    return F.pad(x, (-low[1], length[1] - w + low[1], -low[0], length[0] - h + low[0]))


def _empty_output(x: torch.Tensor, channels: int, out_h: int, out_w: int) -> torch.Tensor:
    """The output, in the plain (N, C, H, W) layout: the phases are written into it with a stride, and
    that is faster there than in channels_last (so is the lab's display of it)."""
    return x.new_empty(x.shape[0], channels, out_h, out_w)


def _bias_only(phase: torch.Tensor, bias: torch.Tensor | None) -> None:
    """Fill output pixels that no kernel tap reaches: they hold the bias alone."""
    if bias is None:
        phase.zero_()
    else:
        phase.copy_(bias.view(1, -1, 1, 1).expand_as(phase))


def conv_transpose2d_phases(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: IntPair = 1,
    padding: IntPair = 0, output_padding: IntPair = 0, groups: int = 1, dilation: IntPair = 1,
) -> torch.Tensor:
    """The sub-pixel form, one small direct convolution per output phase, interleaved."""
    s, p, op, d = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    out_h, out_w = _sizes(x, weight, s, p, op, d)
    kh, kw = weight.shape[-2:]
    wd = direct_weight(weight, groups)
    dil = (d[0] // math.gcd(d[0], s[0]), d[1] // math.gcd(d[1], s[1]))
    out = _empty_output(x, wd.shape[0], out_h, out_w)
    for rh, th in enumerate(phase_taps(kh, s[0], p[0], d[0], out_h)):
        for rw, tw in enumerate(phase_taps(kw, s[1], p[1], d[1], out_w)):
            phase = out[..., rh :: s[0], rw :: s[1]]
            if th is None or tw is None:
                _bias_only(phase, bias)
                continue
            sub = wd[..., th.first :: th.step, tw.first :: tw.step][..., : th.n_taps, : tw.n_taps].flip(-1, -2)
            padded = _window(x, (th.offset, tw.offset),
                             (th.rows + (th.n_taps - 1) * dil[0], tw.rows + (tw.n_taps - 1) * dil[1]))
            phase.copy_(F.conv2d(padded, sub, bias, dilation=dil, groups=groups))
    return out


class _Grid(NamedTuple):
    """Along one axis, phases whose taps lie on one dilated grid: they share one convolution."""

    phases: list[int]
    taps: list[PhaseTaps]
    low: int  # the first input sample the convolution reads
    window: int  # its kernel's length, in grid steps
    rows: int  # its outputs (those of the group's first phase, the one with the most)

    def length(self, dil: int) -> int:
        """How many input samples the convolution reads."""
        return self.rows + (self.window - 1) * dil


def _grids(taps: list[PhaseTaps | None], dil: int) -> list[_Grid]:
    """Group one axis's phases by grid (offsets equal modulo the dilation)."""
    by_grid: dict[int, list[int]] = {}
    for r, t in enumerate(taps):
        if t is not None:
            by_grid.setdefault(t.offset % dil, []).append(r)
    grids = []
    for phases in by_grid.values():
        ts = [t for r in phases if (t := taps[r]) is not None]
        low = min(t.offset for t in ts)
        grids.append(_Grid(phases, ts, low, max((t.offset - low) // dil + t.n_taps for t in ts), ts[0].rows))
    return grids


def conv_transpose2d_subpixel(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: IntPair = 1,
    padding: IntPair = 0, output_padding: IntPair = 0, groups: int = 1, dilation: IntPair = 1,
) -> torch.Tensor:
    """The sub-pixel form with phases merged: one convolution per grid of phases, then scattered.

    Phases whose taps sit on the same dilated grid share one ``F.conv2d``: each is a block
    of output channels whose kernel holds that phase's taps inside a common window
    (zeros elsewhere). With ``dilation = 1`` that is a single convolution, the classic
    sub-pixel convolution followed by a pixel shuffle. The input is padded once for all
    the convolutions, which read views of it.
    """
    s, p, op, d = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    out_h, out_w = _sizes(x, weight, s, p, op, d)
    kh, kw = weight.shape[-2:]
    wd = direct_weight(weight, groups)
    cout, cin_g = wd.shape[:2]
    dil = (d[0] // math.gcd(d[0], s[0]), d[1] // math.gcd(d[1], s[1]))
    taps_h = phase_taps(kh, s[0], p[0], d[0], out_h)
    taps_w = phase_taps(kw, s[1], p[1], d[1], out_w)
    grids_h, grids_w = _grids(taps_h, dil[0]), _grids(taps_w, dil[1])
    if not grids_h or not grids_w:  # no tap reaches any output pixel (a tiny output, a large stride)
        out = _empty_output(x, cout, out_h, out_w)
        _bias_only(out, bias)
        return out
    # One padding (or crop) of the input that holds every grid's window.
    h, w = x.shape[-2:]
    top, left = max(0, -min(g.low for g in grids_h)), max(0, -min(g.low for g in grids_w))
    bottom = max(0, max(g.low + g.length(dil[0]) for g in grids_h) - h)
    right = max(0, max(g.low + g.length(dil[1]) for g in grids_w) - w)
    padded = F.pad(x, (left, right, top, bottom)) if top or left or bottom or right else x
    one_grid = len(grids_h) == len(grids_w) == 1 and None not in taps_h and None not in taps_w
    out = x.new_empty(0) if one_grid else _empty_output(x, cout, out_h, out_w)
    if not one_grid:
        for rh, th in enumerate(taps_h):
            for rw, tw in enumerate(taps_w):
                if th is None or tw is None:
                    _bias_only(out[..., rh :: s[0], rw :: s[1]], bias)
    for gh in grids_h:
        for gw in grids_w:
            merged = wd.new_zeros(cout, len(gh.taps), len(gw.taps), cin_g, gh.window, gw.window)
            for i, th in enumerate(gh.taps):
                a = (th.offset - gh.low) // dil[0]
                for j, tw in enumerate(gw.taps):
                    b = (tw.offset - gw.low) // dil[1]
                    part = wd[..., th.first :: th.step, tw.first :: tw.step][..., : th.n_taps, : tw.n_taps]
                    merged[:, i, j, :, a : a + th.n_taps, b : b + tw.n_taps] = part.flip(-1, -2)
            window = padded[..., gh.low + top : gh.low + top + gh.length(dil[0]),
                            gw.low + left : gw.low + left + gw.length(dil[1])]
            n_phases = len(gh.taps) * len(gw.taps)
            y = F.conv2d(window, merged.reshape(cout * n_phases, cin_g, gh.window, gw.window),
                         None if bias is None else bias.repeat_interleave(n_phases), dilation=dil, groups=groups)
            y = y.unflatten(1, (cout, len(gh.taps), len(gw.taps)))
            if one_grid:  # every phase in one convolution: a pixel shuffle, one copy
                shuffled = y.permute(0, 1, 4, 2, 5, 3).reshape(x.shape[0], cout, gh.rows * len(gh.taps),
                                                               gw.rows * len(gw.taps))
                return shuffled[..., :out_h, :out_w]
            for i, rh in enumerate(gh.phases):
                for j, rw in enumerate(gw.phases):
                    target = out[..., rh :: s[0], rw :: s[1]]
                    target.copy_(y[:, :, i, j, : target.shape[-2], : target.shape[-1]])
    return out


_FUNCTIONS: dict[Path, Callable[..., torch.Tensor]] = {
    "onednn": conv_transpose2d_onednn, "direct": conv_transpose2d_direct,
    "phases": conv_transpose2d_phases, "subpixel": conv_transpose2d_subpixel,
}


def choose_path(stride: IntPair = 1, dilation: IntPair = 1, output_padding: IntPair = 0) -> Path:
    """The fastest exact path for a configuration, as measured on the lab's random states.

    ``python benchmarks/lab_response.py --paths`` (2 cores, 150 random states of the
    transposed lab, CPU time of both threads): subpixel p50 43 ms / p95 118 ms / max 223 ms,
    phases 50 / 164 / 294, oneDNN 108 / 514 / 1428, direct 158 / 530 / 910. The merged
    sub-pixel form is never far behind the best and far ahead where the others are slow
    (oneDNN with dilation and stride > 1 or with output_padding; direct with stride > 1). With
    stride 1 it is one plain convolution, as fast as oneDNN's own. So the rule is one path;
    the arguments stay so that a measured exception has its place.
    """
    return "subpixel"


def conv_transpose2d(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: IntPair = 1,
    padding: IntPair = 0, output_padding: IntPair = 0, groups: int = 1, dilation: IntPair = 1,
    path: Path | None = None,
) -> torch.Tensor:
    """``F.conv_transpose2d`` by the fastest exact path (or by the one named by ``path``)."""
    fn = _FUNCTIONS[path or choose_path(stride, dilation, output_padding)]
    return fn(x, weight, bias, stride, padding, output_padding, groups, dilation)
