"""Output-size arithmetic of PyTorch's convolutions, with the checks PyTorch makes.

Every function works per spatial axis: give ints for one axis, or tuples (one
entry per axis, 1-d to 3-d) and get a tuple back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

from .errors import ConvConfigError
from .i18n import N_, _
from .params import IntOrTuple, Padding, as_tuple, is_int

_AXES = (N_("depth"), N_("height"), N_("width"))
_WHY_KERNEL = N_("a kernel has at least one tap.")
_WHY_STRIDE = N_("the kernel moves by at least one pixel per step.")
_WHY_DILATION = N_("dilation 1 means kernel taps side by side; 0 is not allowed.")
_WHY_PADDING = N_("padding adds pixels around the input; it cannot remove them.")


def _axis_name(axis: int, ndim: int) -> str:
    if ndim == 1:
        return ""
    name = _(_AXES[3 - ndim + axis]) if ndim <= 3 else _("axis {i}").format(i=axis)
    return f" ({name})"


def _spatial(size: object) -> tuple[tuple[int, ...], bool]:
    """The input size as a tuple, and whether the caller gave an int."""
    if is_int(size):
        sizes: tuple[int, ...] = (int(size),)  # type: ignore[call-overload]
        scalar = True
    else:
        if not isinstance(size, Sequence) or isinstance(size, str) or not 1 <= len(size) <= 3:
            raise ConvConfigError(_(
                "size={size!r} must be an int or a tuple of 1 to 3 ints (one per spatial axis)."
            ).format(size=size))
        sizes = as_tuple(size, "size", len(size))
        scalar = False
    for axis, s in enumerate(sizes):
        if s < 1:
            raise ConvConfigError(_("size{axis} is {value}: an input needs at least 1 pixel.").format(
                axis=_axis_name(axis, len(sizes)), value=s))
    return sizes, scalar


def _check_at_least(values: tuple[int, ...], name: str, low: int, why: str) -> None:
    for axis, v in enumerate(values):
        if v < low:
            raise ConvConfigError(_("{name}{axis} is {value}, but it must be at least {low}: {why}").format(
                name=name, axis=_axis_name(axis, len(values)), value=v, low=low, why=_(why)))


def _check_common(
    ndim: int, kernel_size: IntOrTuple, stride: IntOrTuple, dilation: IntOrTuple
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    k = as_tuple(kernel_size, "kernel_size", ndim)
    s = as_tuple(stride, "stride", ndim)
    d = as_tuple(dilation, "dilation", ndim)
    _check_at_least(k, "kernel_size", 1, _WHY_KERNEL)
    _check_at_least(s, "stride", 1, _WHY_STRIDE)
    _check_at_least(d, "dilation", 1, _WHY_DILATION)
    return k, s, d


def _check_padding(p: tuple[int, ...]) -> None:
    _check_at_least(p, "padding", 0, _WHY_PADDING)


def check_output_padding(output_padding: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...]) -> None:
    """PyTorch's rule for a transposed layer: ``output_padding < stride or output_padding < dilation``."""
    _check_at_least(output_padding, "output_padding", 0, N_("it adds rows/columns at the bottom/right."))
    ndim = len(output_padding)
    for axis, (o, s, d) in enumerate(zip(output_padding, stride, dilation, strict=True)):
        if not (o < s or o < d):
            raise ConvConfigError(_(
                "output_padding{axis} is {o}, but it must be smaller than stride ({s}) or dilation ({d}). "
                "It adds rows/columns at the bottom/right; below stride, it picks which of the input sizes "
                "that a strided Conv2d maps to one output size the transposed layer gives back."
            ).format(axis=_axis_name(axis, ndim), o=o, s=s, d=d))


@overload
def effective_kernel_size(kernel_size: int, dilation: IntOrTuple = 1) -> int: ...
@overload
def effective_kernel_size(kernel_size: Sequence[int], dilation: IntOrTuple = 1) -> tuple[int, ...]: ...
def effective_kernel_size(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> int | tuple[int, ...]:
    """The span a dilated kernel covers: ``dilation*(kernel_size-1) + 1`` per axis."""
    ndim = 1 if is_int(kernel_size) else len(kernel_size)  # type: ignore[arg-type]
    k = as_tuple(kernel_size, "kernel_size", ndim)
    d = as_tuple(dilation, "dilation", ndim)
    _check_at_least(k, "kernel_size", 1, _WHY_KERNEL)
    _check_at_least(d, "dilation", 1, _WHY_DILATION)
    out = tuple(di * (ki - 1) + 1 for ki, di in zip(k, d, strict=True))
    return out[0] if is_int(kernel_size) else out


def same_padding(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> tuple[tuple[int, int], ...]:
    """(before, after) padding per axis that ``padding='same'`` applies (PyTorch puts the odd pixel after)."""
    eff = effective_kernel_size(kernel_size, dilation)
    eff_t = (eff,) if isinstance(eff, int) else eff
    return tuple(((e - 1) // 2, (e - 1) - (e - 1) // 2) for e in eff_t)


@overload
def conv_output_size(size: int, kernel_size: IntOrTuple, stride: IntOrTuple = 1, padding: Padding = 0,
                     dilation: IntOrTuple = 1) -> int: ...
@overload
def conv_output_size(size: Sequence[int], kernel_size: IntOrTuple, stride: IntOrTuple = 1,
                     padding: Padding = 0, dilation: IntOrTuple = 1) -> tuple[int, ...]: ...
def conv_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
) -> int | tuple[int, ...]:
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
                raise ConvConfigError(_(
                    "padding='same' needs stride=1, but stride is {stride}: "
                    "with a larger stride the output cannot keep the input's size."
                ).format(stride=s[0] if scalar else s))
            return sizes[0] if scalar else sizes
        else:
            raise ConvConfigError(_("padding={padding!r} must be a number, 'same' or 'valid'.").format(padding=padding))
    p = as_tuple(padding, "padding", ndim)
    _check_padding(p)
    out = []
    for axis in range(ndim):
        padded = sizes[axis] + 2 * p[axis]
        span = d[axis] * (k[axis] - 1) + 1
        if padded < span:
            raise ConvConfigError(_(
                "The kernel does not fit{axis}: it spans {span} pixels (kernel_size={k}, dilation={d}), "
                "but the padded input has only {padded} (size {size} + 2×padding {p}): too small by {short}. "
                "Use a smaller kernel or dilation, more padding, or a bigger input."
            ).format(axis=_axis_name(axis, ndim), span=span, k=k[axis], d=d[axis], padded=padded,
                     size=sizes[axis], p=p[axis], short=span - padded))
        out.append((padded - span) // s[axis] + 1)
    return out[0] if scalar else tuple(out)


@overload
def conv_transpose_output_size(size: int, kernel_size: IntOrTuple, stride: IntOrTuple = 1,
                               padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                               dilation: IntOrTuple = 1) -> int: ...
@overload
def conv_transpose_output_size(size: Sequence[int], kernel_size: IntOrTuple, stride: IntOrTuple = 1,
                               padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                               dilation: IntOrTuple = 1) -> tuple[int, ...]: ...
def conv_transpose_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> int | tuple[int, ...]:
    """Output size of ``nn.ConvTranspose1d/2d/3d`` per axis.

    ``out = (in-1)*stride - 2*padding + dilation*(kernel_size-1) + output_padding + 1``.
    PyTorch requires ``output_padding < stride or output_padding < dilation``.
    Returns an int for an int ``size``, a tuple for a tuple.
    """
    sizes, scalar = _spatial(size)
    ndim = len(sizes)
    k, s, d = _check_common(ndim, kernel_size, stride, dilation)
    if isinstance(padding, str):
        raise ConvConfigError(_(
            "padding={padding!r}: ConvTranspose layers take numbers only, not 'same' or 'valid'."
        ).format(padding=padding))
    p = as_tuple(padding, "padding", ndim)
    op = as_tuple(output_padding, "output_padding", ndim)
    _check_padding(p)
    check_output_padding(op, s, d)
    out = []
    for axis in range(ndim):
        o = (sizes[axis] - 1) * s[axis] - 2 * p[axis] + d[axis] * (k[axis] - 1) + op[axis] + 1
        if o < 1:
            raise ConvConfigError(_(
                "The output{axis} would be {o} pixels, too small by {short}: padding={p} crops {crop} pixels "
                "from a result of {full}, and an output needs at least 1. Use less padding."
            ).format(axis=_axis_name(axis, ndim), o=o, short=1 - o, p=p[axis], crop=2 * p[axis],
                     full=o + 2 * p[axis]))
        out.append(o)
    return out[0] if scalar else tuple(out)


def check_channels(in_channels: int, out_channels: int, groups: int = 1) -> None:
    """Check channel counts and ``groups`` the way ``nn.Conv*`` does; raise ConvConfigError."""
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if not is_int(value):
            raise ConvConfigError(_("{name}={value!r} must be a whole number.").format(name=name, value=value))
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value < 1:
            raise ConvConfigError(_("{name} is {value}: a layer needs at least 1 channel.").format(
                name=name, value=value))
    if groups < 1:
        raise ConvConfigError(_(
            "groups is {groups}, but it must be at least 1 (1 = an ordinary convolution)."
        ).format(groups=groups))
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ConvConfigError(_(
                "groups={groups} does not divide {name}={value}: the channels are split into {groups} "
                "equal groups, so in_channels ({cin}) and out_channels ({cout}) must both be multiples "
                "of groups (groups that divide both: {valid})."
            ).format(groups=groups, name=name, value=value, cin=in_channels, cout=out_channels,
                     valid=common_divisors(in_channels, out_channels)))


def divisors(n: int) -> list[int]:
    """The positive divisors of ``n``, ascending (the valid ``groups`` for ``n`` channels)."""
    return [g for g in range(1, n + 1) if n % g == 0]


def common_divisors(*counts: int) -> list[int]:
    """The ``groups`` values that divide every channel count given, ascending."""
    return [g for g in divisors(math.gcd(*counts))]


def weight_shape(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, groups: int = 1, transposed: bool = False
) -> tuple[int, ...]:
    """Weight shape: (out, in/groups, *k) for Conv, (in, out/groups, *k) for ConvTranspose."""
    check_channels(in_channels, out_channels, groups)
    k = as_tuple(kernel_size, "kernel_size", 2 if is_int(kernel_size) else len(kernel_size))  # type: ignore[arg-type]
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
    sizes, _scalar = _spatial((input_size, input_size) if is_int(input_size) else input_size)
    k = as_tuple(kernel_size, "kernel_size", len(sizes))
    if transposed:
        if isinstance(padding, str):
            conv_transpose_output_size(sizes, k, stride, 0, output_padding, dilation)
        conv_transpose_output_size(sizes, k, stride, padding, output_padding, dilation)  # type: ignore[arg-type]
        return math.prod(sizes) * in_channels * (out_channels // groups) * math.prod(k)
    out = conv_output_size(sizes, k, stride, padding, dilation)
    return math.prod(out) * out_channels * (in_channels // groups) * math.prod(k)


def receptive_field(layers: Sequence[tuple[int, int] | tuple[int, int, int]]) -> int:
    """Receptive field (pixels per axis) of a stack of layers given as (kernel, stride[, dilation]).

    ``r = 1 + sum_l (k_eff_l - 1) * prod_{j<l} s_j`` with ``k_eff = d*(k-1)+1``.
    """
    r, jump = 1, 1
    for layer in layers:
        k, s, d = (layer[0], layer[1], layer[2] if len(layer) == 3 else 1)
        k_eff = effective_kernel_size(int(k), int(d))
        _check_at_least((int(s),), "stride", 1, _WHY_STRIDE)
        r += (k_eff - 1) * jump
        jump *= int(s)
    return r
