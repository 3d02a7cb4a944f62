"""What a kernel-position diagram holds: pure data, no drawing.

:func:`diagram_data` says which cells of the drawn grid are input pixels, padding
or inserted zeros, where the kernel's taps sit at one step, which weight is on each
tap and which output cell they fill. A transposed convolution is described as the
direct convolution it equals: zeros inserted between the input pixels, a border of
``q = dilation*(k-1) - padding`` (plus ``output_padding`` at the bottom/right), the
kernel rotated by 180° and moving with stride 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerConfig
from ..errors import ConvConfigError
from ..i18n import _, figure_text
from ..params import IntOrTuple, Padding, is_int, pair

MAX_GRID = 64
"""The drawn input grid is at most this many cells on a side: the pictures are for small examples."""

Cell = tuple[int, int]


def times(hw: tuple[int, int]) -> str:
    """``'5×5'``."""
    return f"{hw[0]}×{hw[1]}"


def one_or_pair(hw: tuple[int, int]) -> str:
    """``'2'`` for (2, 2), ``'(2, 3)'`` otherwise."""
    return str(hw[0]) if hw[0] == hw[1] else f"({hw[0]}, {hw[1]})"


@dataclass(frozen=True)
class DiagramData:
    """What a kernel-position diagram shows at one step. Cells are (row, col) in the drawn grid."""

    transposed: bool
    input_size: tuple[int, int]  # the layer's input
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int] | str
    dilation: tuple[int, int]
    output_padding: tuple[int, int]
    grid_size: tuple[int, int]  # the drawn input grid: padded (and, if transposed, zero-inserted)
    pad_before: tuple[int, int]  # border drawn on the top / left (negative: cropped)
    pad_after: tuple[int, int]  # border drawn on the bottom / right (negative: cropped)
    input_cells: frozenset[Cell]
    padding_cells: frozenset[Cell]
    zero_cells: frozenset[Cell]  # zeros inserted between input pixels (transposed only)
    kernel_cells: tuple[Cell, ...]  # cell under each tap, taps in row-major order
    kernel_weights: tuple[Cell, ...]  # which weight w[a, b] of the layer sits on each tap
    kernel_stride: tuple[int, int]  # how far the kernel moves per step on the drawn grid
    output_size: tuple[int, int]
    output_cell: Cell
    step: int
    n_steps: int
    padding_mode: str = "zeros"

    @property
    def input_title(self) -> str:
        """E.g. 'INPUT 5×5 (padding 1)'."""
        title = figure_text("INPUT {size}").format(size=times(self.input_size))
        notes = []
        if self.transposed:
            s = self.stride
            if max(s) > 1:
                gaps = (figure_text("{gaps} zero between pixels") if max(s) == 2
                        else figure_text("{gaps} zeros between pixels"))
                notes.append(gaps.format(gaps=one_or_pair((s[0] - 1, s[1] - 1))))
            q = self.pad_before
            extra = (self.pad_after[0] - q[0], self.pad_after[1] - q[1])
            if min(q) >= 0 and max(q) > 0:
                notes.append(figure_text("border q={q}").format(q=one_or_pair(q)))
            elif max(q) <= 0 and min(q) < 0:
                notes.append(figure_text("cropped {n}").format(n=one_or_pair((-q[0], -q[1]))))
            elif q != (0, 0):
                notes.append(figure_text("border q={q}").format(q=q))
            if max(extra) > 0:
                notes.append(figure_text("+{n} bottom/right").format(n=one_or_pair(extra)))
        elif isinstance(self.padding, str):
            notes.append(figure_text("padding '{mode}'").format(mode=self.padding))
        elif max(self.padding) > 0:
            notes.append(figure_text("padding {p}").format(p=one_or_pair(self.padding)))
        if notes:
            title += " (" + ", ".join(notes) + ")"
        if self.grid_size != self.input_size:
            title += f" → {times(self.grid_size)}"
        return title

    @property
    def output_title(self) -> str:
        """E.g. 'OUTPUT 3×3'."""
        return figure_text("OUTPUT {size}").format(size=times(self.output_size))

    @property
    def step_title(self) -> str:
        """E.g. 'step 1 of 9' (steps count from 1, as a stepper's readout does)."""
        return figure_text("step {n} of {total}").format(n=self.step + 1, total=self.n_steps)

    @property
    def layer_title(self) -> str:
        """The layer and the step, e.g. 'Conv2d: kernel 3×3, stride 2, padding 0 — step 1 of 9'."""
        parts = [figure_text("kernel {k}").format(k=times(self.kernel_size)),
                 figure_text("stride {s}").format(s=one_or_pair(self.stride))]
        if isinstance(self.padding, str):
            parts.append(f"padding='{self.padding}'")
        else:
            parts.append(figure_text("padding {p}").format(p=one_or_pair(self.padding)))
        if max(self.dilation) > 1:
            parts.append(figure_text("dilation {d}").format(d=one_or_pair(self.dilation)))
        if self.transposed and max(self.output_padding) > 0:
            parts.append(f"output_padding {one_or_pair(self.output_padding)}")
        if self.padding_mode != "zeros":
            parts.append(f"padding_mode='{self.padding_mode}'")
        name = "ConvTranspose2d" if self.transposed else "Conv2d"
        return f"{name}: {', '.join(parts)} — {self.step_title}"

    @property
    def formula(self) -> str:
        """The output-size formula with this diagram's numbers (one line per axis if the axes differ)."""
        axes = []
        for a in range(2):
            i, k, s, d = self.input_size[a], self.kernel_size[a], self.stride[a], self.dilation[a]
            o = self.output_size[a]
            if self.transposed:
                p = d * (k - 1) - self.pad_before[a]  # q = d·(k−1) − p
                op = self.output_padding[a]
                axes.append(f"({i}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {o}")
            else:
                total = self.pad_before[a] + self.pad_after[a]
                pad = f"2·{self.pad_before[a]}" if self.pad_before[a] == self.pad_after[a] else str(total)
                axes.append(f"⌊({i} + {pad} − {d}·({k}−1) − 1) / {s}⌋ + 1 = {o}")
        if axes[0] == axes[1]:
            return f"out = {axes[0]}"
        return figure_text("height: out = {h}\nwidth: out = {w}").format(h=axes[0], w=axes[1])

    @property
    def note(self) -> str:
        """What the picture of a transposed convolution means ('' for a direct one)."""
        if not self.transposed:
            return ""
        qs = []
        for a in range(2):
            d, k, q = self.dilation[a], self.kernel_size[a], self.pad_before[a]
            qs.append(f"{d}·({k}−1) − {d * (k - 1) - q} = {q}")
        q_text = f"q = {qs[0]}" if qs[0] == qs[1] else figure_text("q = {h} (height), {w} (width)").format(h=qs[0], w=qs[1])
        return figure_text("drawn as a direct convolution: border {q}, stride 1, kernel rotated 180° (see the wᵢⱼ labels)"
                 ).format(q=q_text)

    def legend_kinds(self) -> list[str]:
        """The kinds of input cell the legend names: 'input', then 'padding' / 'zero' if drawn, then 'kernel'."""
        kinds = ["input"]
        kinds += ["padding"] if self.padding_cells else []
        kinds += ["zero"] if self.zero_cells else []
        return [*kinds, "kernel"]


def layer_config(
    kernel_size: IntOrTuple | LayerConfig,
    *,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    transposed: bool = False,
    output_padding: IntOrTuple = 0,
) -> LayerConfig:
    """The one-channel LayerConfig a diagram draws: ``kernel_size`` may already be a LayerConfig.

    A LayerConfig carries every parameter itself, so the keywords must then keep their defaults.
    """
    if isinstance(kernel_size, LayerConfig):
        given = {"stride": stride != 1, "padding": padding != 0, "dilation": dilation != 1,
                 "transposed": transposed, "output_padding": output_padding != 0}
        clash = [name for name, is_set in given.items() if is_set]
        if clash:
            raise ConvConfigError(_("Give the layer either as a LayerConfig or as keywords, not both "
                                    "({names} given twice).").format(names=", ".join(clash)))
        return kernel_size
    return LayerConfig(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation,
                       transposed=transposed, output_padding=output_padding)


def diagram_data(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple | LayerConfig,
    *,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    transposed: bool = False,
    output_padding: IntOrTuple = 0,
    step: int = 0,
) -> DiagramData:
    """Describe the diagram of a Conv2d (or ConvTranspose2d) at kernel position ``step``.

    The layer is given by ``kernel_size`` and the keywords, or as one :class:`LayerConfig`
    in place of ``kernel_size`` (its channels do not matter: one channel is drawn).
    Steps go row by row over the output, ``0 .. n_steps-1``. Raises ConvConfigError
    for a configuration PyTorch refuses, a step out of range, or a grid too big to draw.
    """
    cfg = layer_config(kernel_size, stride=stride, padding=padding, dilation=dilation,
                       transposed=transposed, output_padding=output_padding)
    i = pair(input_size, "input_size")
    cfg.validate(i)
    out = cfg.output_size(i)
    k, s, d = pair(cfg.kernel_size, "kernel_size"), pair(cfg.stride, "stride"), pair(cfg.dilation, "dilation")
    op = pair(cfg.output_padding, "output_padding")
    shown_padding: tuple[int, int] | str
    if cfg.transposed:
        p = pair(cfg.padding, "padding")
        before = (d[0] * (k[0] - 1) - p[0], d[1] * (k[1] - 1) - p[1])
        after = (before[0] + op[0], before[1] + op[1])
        inner = ((i[0] - 1) * s[0] + 1, (i[1] - 1) * s[1] + 1)
        kernel_stride, shown_padding = (1, 1), p
    else:
        (bh, ah), (bw, aw) = cfg.padding_amounts()
        before, after = (bh, bw), (ah, aw)
        shown_padding = cfg.padding if isinstance(cfg.padding, str) else pair(cfg.padding, "padding")
        inner, kernel_stride = i, s
    grid = (inner[0] + before[0] + after[0], inner[1] + before[1] + after[1])
    if max(grid) > MAX_GRID:
        raise ConvConfigError(_(
            "The diagram's input grid would be {grid} cells; diagrams are for small examples "
            "(at most {limit} a side). Use a smaller input_size."
        ).format(grid=times(grid), limit=MAX_GRID))
    n_steps = out[0] * out[1]
    if not is_int(step) or not 0 <= step < n_steps:
        raise ConvConfigError(_("step={step!r} must be a whole number from 0 to {last} (n_steps - 1).").format(
            step=step, last=n_steps - 1))
    step = int(step)

    input_cells, zero_cells, padding_cells = set(), set(), set()
    for r in range(grid[0]):
        for c in range(grid[1]):
            zr, zc = r - before[0], c - before[1]  # position in the (zero-inserted) input
            if not (0 <= zr < inner[0] and 0 <= zc < inner[1]):
                padding_cells.add((r, c))
            elif not cfg.transposed or (zr % s[0] == 0 and zc % s[1] == 0):
                input_cells.add((r, c))
            else:
                zero_cells.add((r, c))

    oh, ow = divmod(step, out[1])
    top, left = oh * kernel_stride[0], ow * kernel_stride[1]
    taps = [(a, b) for a in range(k[0]) for b in range(k[1])]
    kernel_cells = tuple((top + a * d[0], left + b * d[1]) for a, b in taps)
    weights = tuple((k[0] - 1 - a, k[1] - 1 - b) for a, b in taps) if cfg.transposed else tuple(taps)
    return DiagramData(
        transposed=cfg.transposed,
        input_size=i,
        kernel_size=k,
        stride=s,
        padding=shown_padding,
        dilation=d,
        output_padding=op,
        grid_size=grid,
        pad_before=before,
        pad_after=after,
        input_cells=frozenset(input_cells),
        padding_cells=frozenset(padding_cells),
        zero_cells=frozenset(zero_cells),
        kernel_cells=kernel_cells,
        kernel_weights=weights,
        kernel_stride=kernel_stride,
        output_size=out,
        output_cell=(oh, ow),
        step=step,
        n_steps=n_steps,
        padding_mode=cfg.padding_mode,
    )
