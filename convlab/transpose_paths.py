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
- ``subpixel``: the same phases, merged: every phase becomes a block of output channels of
  one convolution (phases whose taps lie on a common grid share a window; a grid that
  starts later reads its outputs further on), then the blocks are scattered into their
  pixels, as ``F.pixel_shuffle`` does. One wide convolution, which oneDNN runs far better
  than many with one output channel.

:func:`choose_path` is the rule and :func:`conv_transpose2d` applies it;
``benchmarks/lab_response.py --paths`` measures every path on the lab's random states.
"""

from __future__ import annotations

import itertools
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
            sub = _phase_kernel(wd, th, tw)
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
    """The sub-pixel form with every phase merged into one convolution, then scattered.

    Each phase is a block of output channels whose kernel holds that phase's taps inside a
    window (zeros elsewhere). When all phases' taps sit on one dilated grid (always with
    ``dilation = 1``) they share the window: the classic sub-pixel convolution followed by
    a pixel shuffle. Otherwise each phase reads the same input from its own shift
    (:func:`_shifted_phases`).
    """
    s, p, op, d = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    out_h, out_w = _sizes(x, weight, s, p, op, d)
    kh, kw = weight.shape[-2:]
    wd = direct_weight(weight, groups)
    dil = (d[0] // math.gcd(d[0], s[0]), d[1] // math.gcd(d[1], s[1]))
    taps_h = phase_taps(kh, s[0], p[0], d[0], out_h)
    taps_w = phase_taps(kw, s[1], p[1], d[1], out_w)
    grids_h, grids_w = _grids(taps_h, dil[0]), _grids(taps_w, dil[1])
    if len(grids_h) == len(grids_w) == 1 and None not in taps_h and None not in taps_w:
        return _one_grid(x, wd, bias, groups, dil, grids_h[0], grids_w[0], (out_h, out_w))
    return _shifted_phases(x, wd, bias, groups, s, dil, taps_h, taps_w, (out_h, out_w))


def _phase_kernel(wd: torch.Tensor, th: PhaseTaps, tw: PhaseTaps) -> torch.Tensor:
    """One phase's taps of the direct weight, flipped: (out, in/groups, n_taps_h, n_taps_w)."""
    return wd[..., th.first :: th.step, tw.first :: tw.step][..., : th.n_taps, : tw.n_taps].flip(-1, -2)


def _one_grid(x: torch.Tensor, wd: torch.Tensor, bias: torch.Tensor | None, groups: int, dil: tuple[int, int],
              gh: _Grid, gw: _Grid, out_hw: tuple[int, int]) -> torch.Tensor:
    """Every phase in one convolution (``dilation = 1``, say): a sub-pixel convolution and a pixel shuffle."""
    cout, cin_g = wd.shape[:2]
    merged = wd.new_zeros(cout, len(gh.taps), len(gw.taps), cin_g, gh.window, gw.window)
    for i, th in enumerate(gh.taps):
        a = (th.offset - gh.low) // dil[0]
        for j, tw in enumerate(gw.taps):
            b = (tw.offset - gw.low) // dil[1]
            merged[:, i, j, :, a : a + th.n_taps, b : b + tw.n_taps] = _phase_kernel(wd, th, tw)
    n_phases = len(gh.taps) * len(gw.taps)
    window = _window(x, (gh.low, gw.low), (gh.length(dil[0]), gw.length(dil[1])))
    y = F.conv2d(window, merged.reshape(cout * n_phases, cin_g, gh.window, gw.window),
                 None if bias is None else bias.repeat_interleave(n_phases), dilation=dil, groups=groups)
    y = y.unflatten(1, (cout, len(gh.taps), len(gw.taps)))
    shuffled = y.permute(0, 1, 4, 2, 5, 3).reshape(x.shape[0], cout, gh.rows * len(gh.taps), gw.rows * len(gw.taps))
    return shuffled[..., : out_hw[0], : out_hw[1]]


class _Shifted(NamedTuple):
    """Along one axis, the phases that have taps, each read by one convolution from a common start.

    The convolution reads input samples from ``base``; a phase whose taps start ``shift``
    samples later finds its outputs ``shift`` rows further on, so the phase's ``m``-th output
    row is the convolution's row ``m + shift`` and lands on output pixel
    ``stride * (m + shift) + start`` (its ``start = phase - stride * shift``).
    """

    phases: list[int]
    taps: list[PhaseTaps]
    shifts: list[int]
    starts: list[int]
    base: int
    window: int  # the longest phase's taps
    rows: int  # the convolution's outputs

    def step(self) -> int | None:
        """The common difference of ``starts`` (None if they are not evenly spaced)."""
        gaps = {b - a for a, b in itertools.pairwise(self.starts)}
        if not gaps:
            return 1
        return gaps.pop() if len(gaps) == 1 else None


def _shifted(taps: list[PhaseTaps | None], s: int) -> _Shifted | None:
    pairs = [(r, t) for r, t in enumerate(taps) if t is not None]
    if not pairs:
        return None
    base = min(t.offset for _, t in pairs)
    pairs.sort(key=lambda rt: rt[0] - s * (rt[1].offset - base))  # by start
    shifts = [t.offset - base for _, t in pairs]
    return _Shifted([r for r, _ in pairs], [t for _, t in pairs], shifts,
                    [r - s * sh for (r, _), sh in zip(pairs, shifts, strict=True)], base,
                    max(t.n_taps for _, t in pairs), max(sh + t.rows for (_, t), sh in zip(pairs, shifts, strict=True)))


def _shifted_phases(x: torch.Tensor, wd: torch.Tensor, bias: torch.Tensor | None, groups: int,
                    s: tuple[int, int], dil: tuple[int, int], taps_h: list[PhaseTaps | None],
                    taps_w: list[PhaseTaps | None], out_hw: tuple[int, int]) -> torch.Tensor:
    """Every phase in one convolution, each reading the same input from its own shift.

    Each phase is a block of output channels (its taps at the start of a window as long as
    the longest phase's). The blocks go to their pixels in one strided copy when the phases'
    starts are evenly spaced (they are: ``dilation`` apart), else one copy per phase.
    """
    ah, aw = _shifted(taps_h, s[0]), _shifted(taps_w, s[1])
    cout, cin_g = wd.shape[:2]
    if ah is None or aw is None:  # no tap reaches any output pixel (a tiny output, a large stride)
        out = _empty_output(x, cout, *out_hw)
        _bias_only(out, bias)
        return out
    merged = wd.new_zeros(cout, len(ah.taps), len(aw.taps), cin_g, ah.window, aw.window)
    for i, th in enumerate(ah.taps):
        for j, tw in enumerate(aw.taps):
            merged[:, i, j, :, : th.n_taps, : tw.n_taps] = _phase_kernel(wd, th, tw)
    n_blocks = len(ah.taps) * len(aw.taps)
    window = _window(x, (ah.base, aw.base), (ah.rows + (ah.window - 1) * dil[0], aw.rows + (aw.window - 1) * dil[1]))
    y = F.conv2d(window, merged.reshape(cout * n_blocks, cin_g, ah.window, aw.window),
                 None if bias is None else bias.repeat_interleave(n_blocks), dilation=dil, groups=groups)
    del window
    y = y.unflatten(1, (cout, len(ah.taps), len(aw.taps)))  # (N, C, phase_h, phase_w, rows, cols)
    step_h, step_w = ah.step(), aw.step()
    if step_h is not None and step_w is not None:
        out = _scatter_evenly(y, ah, aw, (step_h, step_w), s, out_hw)
    else:
        out = _empty_output(x, cout, *out_hw)
        for i, (rh, sh) in enumerate(zip(ah.phases, ah.shifts, strict=True)):
            for j, (rw, sw) in enumerate(zip(aw.phases, aw.shifts, strict=True)):
                target = out[..., rh :: s[0], rw :: s[1]]
                target.copy_(y[:, :, i, j, sh : sh + target.shape[-2], sw : sw + target.shape[-1]])
    del y  # before the copy below, which then reuses its memory
    for rh, taps_of_rh in enumerate(taps_h):
        for rw, taps_of_rw in enumerate(taps_w):
            if taps_of_rh is None or taps_of_rw is None:
                _bias_only(out[..., rh :: s[0], rw :: s[1]], bias)
    # In planes, without a canvas's margins: what the lab's pictures read fastest.
    return out.contiguous()


def _scatter_evenly(y: torch.Tensor, ah: _Shifted, aw: _Shifted, steps: tuple[int, int], s: tuple[int, int],
                    out_hw: tuple[int, int]) -> torch.Tensor:
    """Copy every block of ``y`` to its pixels at once, through one strided view of a canvas.

    Convolution row ``m`` of phase number ``i`` goes to output row ``s*m + start_0 + i*step``: linear
    in ``(i, m)``, so one view with strides ``(step, s)`` holds them all. Rows that fall outside the
    output land in the canvas's margins; the output is the canvas's middle (a view).
    """
    n, c = y.shape[:2]
    first = (ah.starts[0], aw.starts[0])
    last = (s[0] * (ah.rows - 1) + ah.starts[-1], s[1] * (aw.rows - 1) + aw.starts[-1])
    top, left = max(0, -first[0]), max(0, -first[1])
    height = top + max(out_hw[0], last[0] + 1)
    width = left + max(out_hw[1], last[1] + 1)
    # channels_last, like y: the copy then reads y in order (3× faster than into planes).
    canvas = y.new_empty(n, height, width, c).permute(0, 3, 1, 2)
    sn, sc, sh, sw = canvas.stride()
    view = canvas.as_strided(
        (n, c, len(ah.taps), len(aw.taps), ah.rows, aw.rows),
        (sn, sc, steps[0] * sh, steps[1] * sw, s[0] * sh, s[1] * sw),
        canvas.storage_offset() + (top + first[0]) * sh + (left + first[1]) * sw,
    )
    view.copy_(y)
    return canvas[..., top : top + out_hw[0], left : left + out_hw[1]]


_FUNCTIONS: dict[Path, Callable[..., torch.Tensor]] = {
    "onednn": conv_transpose2d_onednn, "direct": conv_transpose2d_direct,
    "phases": conv_transpose2d_phases, "subpixel": conv_transpose2d_subpixel,
}


def choose_path(stride: IntPair = 1, dilation: IntPair = 1, output_padding: IntPair = 0) -> Path:
    """The fastest exact path for a configuration, as measured on the lab's random states.

    ``python benchmarks/lab_response.py --paths`` (2 cores, 150 random states of the
    transposed lab, CPU time of both threads, p50 / p95 / max): subpixel 17 / 33 / 41 ms,
    phases 19 / 53 / 65, oneDNN 74 / 407 / 759, direct 102 / 457 / 692. The merged sub-pixel
    form is never far behind the best and far ahead where the others are slow (oneDNN with
    dilation and stride > 1 or with output_padding; direct with stride > 1). With stride 1
    it is one plain convolution, as fast as oneDNN's own. So the rule is one path;
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
