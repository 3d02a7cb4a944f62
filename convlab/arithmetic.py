"""Output-size arithmetic of PyTorch's convolutions, with the checks PyTorch makes.

Every function works per spatial axis: give ints for one axis, or tuples (one
entry per axis, 1-d to 3-d) and get a tuple back.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from .errors import ConvConfigError

IntOrTuple = int | Sequence[int]
Padding = int | Sequence[int] | str



def _axis_name(axis: int, ndim: int) -> str:
    if ndim == 1:
        return ""
    names = ("depth", "height", "width")[-ndim:] if ndim <= 3 else tuple(f"axis {i}" for i in range(ndim))
    return f" ({names[axis]})"


def _is_int(value: object) -> bool:
    # numbers.Integral also admits NumPy integers, which PyTorch accepts too.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _as_tuple(value: object, name: str, ndim: int) -> tuple[int, ...]:
    """Broadcast an int to ``ndim`` axes or check a sequence has ``ndim`` ints."""
    if _is_int(value):
        return (int(value),) * ndim
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != ndim:
            raise ConvConfigError(
                f"{name}={tuple(value)!r} has {len(value)} entr{'y' if len(value) == 1 else 'ies'}, "
                f"but the input has "
                f"{ndim} spatial ax{'is' if ndim == 1 else 'es'}: give one int, or "
                f"a tuple of {ndim}."
            )
        if not all(_is_int(v) for v in value):
            raise ConvConfigError(f"{name}={tuple(value)!r} must hold whole numbers.")
        return tuple(int(v) for v in value)
    raise ConvConfigError(f"{name}={value!r} must be a whole number or a tuple of them.")


def _spatial(size: IntOrTuple) -> tuple[tuple[int, ...], bool]:
    """The input size as a tuple, and whether the caller gave an int."""
    if _is_int(size):
        sizes: tuple[int, ...] = (int(size),)
        scalar = True
    else:
        if not isinstance(size, Sequence) or isinstance(size, str) or not 1 <= len(size) <= 3:
            raise ConvConfigError(
                f"size={size!r} must be an int or a tuple of 1 to 3 ints (one per spatial axis)."
            )
        sizes = _as_tuple(size, "size", len(size))
        scalar = False
    for axis, s in enumerate(sizes):
        if s < 1:
            raise ConvConfigError(
                f"size{_axis_name(axis, len(sizes))} is {s}: an input needs at least 1 pixel."
            )
    return sizes, scalar


def _check_at_least(values: tuple[int, ...], name: str, low: int, why: str) -> None:
    for axis, v in enumerate(values):
        if v < low:
            raise ConvConfigError(
                f"{name}{_axis_name(axis, len(values))} is {v}, but it must be at least {low}: {why}"
            )


def _check_common(ndim: int, kernel_size: IntOrTuple, stride: IntOrTuple, dilation: IntOrTuple):
    k = _as_tuple(kernel_size, "kernel_size", ndim)
    s = _as_tuple(stride, "stride", ndim)
    d = _as_tuple(dilation, "dilation", ndim)
    _check_at_least(k, "kernel_size", 1, "a kernel has at least one tap.")
    _check_at_least(s, "stride", 1, "the kernel moves by at least one pixel per step.")
    _check_at_least(d, "dilation", 1, "dilation 1 means kernel taps side by side; 0 is not allowed.")
    return k, s, d


def _check_padding(p: tuple[int, ...]) -> None:
    _check_at_least(p, "padding", 0, "padding adds pixels around the input; it cannot remove them.")


def effective_kernel_size(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> IntOrTuple:
    """The span a dilated kernel covers: ``dilation*(kernel_size-1) + 1`` per axis."""
    ndim = 1 if _is_int(kernel_size) else len(kernel_size)  # type: ignore[arg-type]
    k = _as_tuple(kernel_size, "kernel_size", ndim)
    d = _as_tuple(dilation, "dilation", ndim)
    _check_at_least(k, "kernel_size", 1, "a kernel has at least one tap.")
    _check_at_least(d, "dilation", 1, "dilation 1 means kernel taps side by side; 0 is not allowed.")
    out = tuple(di * (ki - 1) + 1 for ki, di in zip(k, d, strict=True))
    return out[0] if _is_int(kernel_size) else out


def same_padding(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> tuple[tuple[int, int], ...]:
    """(before, after) padding per axis that ``padding='same'`` applies (PyTorch puts the odd pixel after)."""
    eff = effective_kernel_size(kernel_size, dilation)
    eff_t = (eff,) if _is_int(eff) else eff
    return tuple(((e - 1) // 2, (e - 1) - (e - 1) // 2) for e in eff_t)  # type: ignore[union-attr]


def conv_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
) -> IntOrTuple:
    """Output size of ``nn.Conv1d/2d/3d`` per axis.

    ``out = floor((in + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1``.
    ``padding='valid'`` means 0; ``padding='same'`` keeps the size and needs stride 1.
    Returns an int for an int ``size``, a tuple for a tuple. Raises
    :class:`ConvConfigError` for a configuration PyTorch would refuse.
    """
    sizes, scalar = _spatial(size)
    ndim = len(sizes)
    k, s, d = _check_common(ndim, kernel_size, stride, dilation)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if any(si != 1 for si in s):
                raise ConvConfigError(
                    f"padding='same' needs stride=1, but stride is {s[0] if scalar else s}: "
                    "with a larger stride the output cannot keep the input's size."
                )
            return sizes[0] if scalar else sizes
        else:
            raise ConvConfigError(f"padding={padding!r} must be a number, 'same' or 'valid'.")
    p = _as_tuple(padding, "padding", ndim)
    _check_padding(p)
    out = []
    for axis in range(ndim):
        padded = sizes[axis] + 2 * p[axis]
        span = d[axis] * (k[axis] - 1) + 1
        if padded < span:
            raise ConvConfigError(
                f"The kernel does not fit{_axis_name(axis, ndim)}: it spans {span} pixels "
                f"(kernel_size={k[axis]}, dilation={d[axis]}), but the padded input has only "
                f"{padded} (size {sizes[axis]} + 2×padding {p[axis]}): too small by {span - padded}. "
                "Use a smaller kernel or dilation, more padding, or a bigger input."
            )
        out.append((padded - span) // s[axis] + 1)
    return out[0] if scalar else tuple(out)


def conv_transpose_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> IntOrTuple:
    """Output size of ``nn.ConvTranspose1d/2d/3d`` per axis.

    ``out = (in-1)*stride - 2*padding + dilation*(kernel_size-1) + output_padding + 1``.
    PyTorch requires ``output_padding < stride or output_padding < dilation``.
    Returns an int for an int ``size``, a tuple for a tuple.
    """
    sizes, scalar = _spatial(size)
    ndim = len(sizes)
    k, s, d = _check_common(ndim, kernel_size, stride, dilation)
    if isinstance(padding, str):
        raise ConvConfigError(
            f"padding={padding!r}: ConvTranspose layers take numbers only, not 'same' or 'valid'."
        )
    p = _as_tuple(padding, "padding", ndim)
    op = _as_tuple(output_padding, "output_padding", ndim)
    _check_padding(p)
    _check_at_least(op, "output_padding", 0, "it adds rows/columns at the bottom/right.")
    for axis in range(ndim):
        if not (op[axis] < s[axis] or op[axis] < d[axis]):
            raise ConvConfigError(
                f"output_padding{_axis_name(axis, ndim)} is {op[axis]}, but it must be smaller "
                f"than stride ({s[axis]}) or dilation ({d[axis]}): it only picks among the "
                "input sizes that a strided convolution maps to the same output."
            )
    out = []
    for axis in range(ndim):
        o = (sizes[axis] - 1) * s[axis] - 2 * p[axis] + d[axis] * (k[axis] - 1) + op[axis] + 1
        if o < 1:
            raise ConvConfigError(
                f"The output{_axis_name(axis, ndim)} would be {o} pixels, too small by {1 - o}: "
                f"padding={p[axis]} crops {2 * p[axis]} pixels from a result of "
                f"{o + 2 * p[axis]}, and an output needs at least 1. Use less padding."
            )
        out.append(o)
    return out[0] if scalar else tuple(out)


def check_channels(in_channels: int, out_channels: int, groups: int = 1) -> None:
    """Check channel counts and ``groups`` the way ``nn.Conv*`` does; raise ConvConfigError."""
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if not _is_int(value):
            raise ConvConfigError(f"{name}={value!r} must be a whole number.")
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value < 1:
            raise ConvConfigError(f"{name} is {value}: a layer needs at least 1 channel.")
    if groups < 1:
        raise ConvConfigError(f"groups is {groups}, but it must be at least 1 (1 = an ordinary convolution).")
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ConvConfigError(
                f"groups={groups} does not divide {name}={value}: the channels are split into "
                f"{groups} equal groups, so {name} must be a multiple of groups "
                f"(try groups in {divisors(value)})."
            )


def divisors(n: int) -> list[int]:
    """The positive divisors of ``n``, ascending (the valid ``groups`` for ``n`` channels)."""
    return [g for g in range(1, n + 1) if n % g == 0]


def weight_shape(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, groups: int = 1, transposed: bool = False
) -> tuple[int, ...]:
    """Weight shape: (out, in/groups, *k) for Conv, (in, out/groups, *k) for ConvTranspose."""
    check_channels(in_channels, out_channels, groups)
    k = (kernel_size,) * 2 if _is_int(kernel_size) else tuple(kernel_size)  # type: ignore[arg-type]
    if transposed:
        return (in_channels, out_channels // groups, *k)
    return (out_channels, in_channels // groups, *k)


def parameter_count(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, groups: int = 1, bias: bool = True
) -> int:
    """Number of learnable numbers in a Conv or ConvTranspose layer (same for both)."""
    w = weight_shape(in_channels, out_channels, kernel_size, groups)
    return math.prod(w) + (out_channels if bias else 0)


def mac_count(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    input_size: IntOrTuple,
    *,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    transposed: bool = False,
) -> int:
    """Multiply-accumulates of one forward pass on one image (bias adds not counted).

    An int ``input_size`` means a square image, as for ``nn.Conv2d``; give a tuple of
    1 or 3 sizes for Conv1d/Conv3d.

    Conv: every output pixel of every output channel takes ``in/groups * prod(k)`` MACs.
    ConvTranspose: every input pixel of every input channel is scattered through
    ``out/groups * prod(k)`` weights.
    """
    check_channels(in_channels, out_channels, groups)
    sizes, _ = _spatial((input_size, input_size) if _is_int(input_size) else input_size)
    k = _as_tuple(kernel_size, "kernel_size", len(sizes))
    if transposed:
        conv_transpose_output_size(sizes, k, stride, padding, output_padding, dilation)  # validates
        return math.prod(sizes) * in_channels * (out_channels // groups) * math.prod(k)
    out = conv_output_size(sizes, k, stride, padding, dilation)
    return math.prod(out) * out_channels * (in_channels // groups) * math.prod(k)  # type: ignore[arg-type]


def receptive_field(layers: Sequence[tuple[int, int] | tuple[int, int, int]]) -> int:
    """Receptive field (pixels per axis) of a stack of layers given as (kernel, stride[, dilation]).

    ``r = 1 + sum_l (k_eff_l - 1) * prod_{j<l} s_j`` with ``k_eff = d*(k-1)+1``.
    """
    r, jump = 1, 1
    for layer in layers:
        k, s, d = (*layer, 1)[:3] if len(layer) == 2 else layer  # type: ignore[misc]
        k_eff = effective_kernel_size(int(k), int(d))
        _check_at_least((int(s),), "stride", 1, "the kernel moves by at least one pixel per step.")
        r += (k_eff - 1) * jump  # type: ignore[operator]
        jump *= int(s)
    return r
