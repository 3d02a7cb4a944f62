"""Convolution as a matrix, and three views of the transposed convolution.

A 2-d convolution of one single-channel image is linear, so it is a matrix ``C``
acting on the flattened image: ``C @ x.flatten() == F.conv2d(x, k).flatten()``.
The transposed convolution with the same kernel is the matrix ``C.T``: it maps the
output's shape back to the input's shape, but it is not the inverse of ``C``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .arithmetic import check_channels, conv_output_size, conv_transpose_output_size
from .config import LayerConfig
from .errors import ConvConfigError
from .i18n import _
from .params import IntOrTuple, is_int, pair

Pair = IntOrTuple
"""One int for both axes, or (height, width); NumPy integers are accepted too."""

MAX_MATRIX_ENTRIES = 2**25
"""C has out_h*out_w*in_h*in_w entries; it is meant for small teaching examples."""


def kernel2d(kernel: torch.Tensor) -> torch.Tensor:
    """``kernel`` as a floating-point 2-d tensor (kh, kw); anything else raises ConvConfigError."""
    kernel = torch.as_tensor(kernel)
    if kernel.dim() != 2:
        raise ConvConfigError(_(
            "kernel has shape {shape}, but conv_matrix needs a 2-d kernel (kh, kw): "
            "one input channel, one output channel. Take e.g. weight[0, 0] of a layer."
        ).format(shape=tuple(kernel.shape)))
    if not kernel.is_floating_point():
        kernel = kernel.to(torch.get_default_dtype())
    return kernel


def _image2d(t: torch.Tensor, name: str) -> torch.Tensor:
    """A (h, w) view of a single-channel image given as (h, w), (1, h, w) or (1, 1, h, w)."""
    t = torch.as_tensor(t)
    if t.dim() < 2 or any(n != 1 for n in t.shape[:-2]):
        raise ConvConfigError(_(
            "{name} has shape {shape}: give one single-channel image, (h, w) or (1, 1, h, w)."
        ).format(name=name, shape=tuple(t.shape)))
    return t.reshape(t.shape[-2:])


def conv_matrix(
    kernel: torch.Tensor,
    input_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> torch.Tensor:
    """The matrix ``C`` of ``F.conv2d`` with a 2-d ``kernel`` on an ``input_size`` image.

    ``C`` has shape ``(out_h*out_w, in_h*in_w)`` (row-major pixels) and satisfies
    ``C @ x.flatten() == F.conv2d(x, kernel).flatten()`` and
    ``C.T @ y.flatten() == F.conv_transpose2d(y, kernel).flatten()`` with the same
    stride, padding and dilation (for the transposed one, with
    ``output_padding = (in + 2*padding - dilation*(k-1) - 1) % stride`` so that it
    returns the input's size). Padding cells are zeros, so their columns drop out.
    The matrix keeps the kernel's dtype and device.
    """
    kernel = kernel2d(kernel)
    kh, kw = kernel.shape
    in_h, in_w = pair(input_size, "input_size")
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    out_h, out_w = _single_channel(kernel.shape, s, p, d).output_size((in_h, in_w))  # validates everything
    entries = out_h * out_w * in_h * in_w
    if entries > MAX_MATRIX_ENTRIES:
        raise ConvConfigError(_(
            "C would be {rows}×{cols} = {entries:,} numbers; the matrix view is for "
            "small examples (at most {limit:,}). Use a smaller input_size."
        ).format(rows=out_h * out_w, cols=in_h * in_w, entries=entries, limit=MAX_MATRIX_ENTRIES))
    dev = kernel.device
    # Input pixel under tap (a, b) of the kernel at output (oh, ow), all at once: shape (oh, ow, a, b).
    r = (torch.arange(out_h, device=dev) * s[0] - p[0])[:, None, None, None] + (
        torch.arange(kh, device=dev) * d[0]
    )[None, None, :, None]
    c = (torch.arange(out_w, device=dev) * s[1] - p[1])[None, :, None, None] + (
        torch.arange(kw, device=dev) * d[1]
    )[None, None, None, :]
    r, c = torch.broadcast_tensors(r, c)
    rows = torch.arange(out_h * out_w, device=dev).reshape(out_h, out_w, 1, 1).expand_as(r)
    taps = kernel[None, None].expand(out_h, out_w, kh, kw)
    inside = (r >= 0) & (r < in_h) & (c >= 0) & (c < in_w)  # taps on padding drop out
    C = kernel.new_zeros(out_h * out_w, in_h * in_w)
    # Each (output, tap) pair hits a different input pixel, so no entry is written twice.
    return C.index_put((rows[inside], r[inside] * in_w + c[inside]), taps[inside])


def zero_insert(y: torch.Tensor, stride: IntOrTuple) -> torch.Tensor:
    """Put ``stride-1`` zeros between neighbouring pixels of ``y`` (..., H, W) along each axis.

    The result has size ``(H-1)*stride + 1`` per axis.
    """
    s = pair(stride, "stride")
    if min(s) < 1:
        raise ConvConfigError(_("stride={stride!r} must be at least 1.").format(stride=stride))
    h, w = y.shape[-2:]
    out = y.new_zeros(*y.shape[:-2], (h - 1) * s[0] + 1, (w - 1) * s[1] + 1)
    out[..., :: s[0], :: s[1]] = y
    return out


def rotate_weight(weight: torch.Tensor, groups: int = 1) -> torch.Tensor:
    """ConvTranspose2d weight (in, out/groups, kh, kw) -> the Conv2d weight (out, in/groups, kh, kw)
    of the equivalent direct convolution: rotated by 180° with in/out channels swapped per group."""
    cin, cout_g, kh, kw = weight.shape
    w = weight.reshape(groups, cin // groups, cout_g, kh, kw).transpose(1, 2)
    return w.reshape(groups * cout_g, cin // groups, kh, kw).flip(-1, -2)


def transposed_as_direct(
    y: torch.Tensor,
    weight: torch.Tensor,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The direct convolution hidden in ``F.conv_transpose2d(y, weight, ...)``.

    Returns ``(padded_input, rotated_weight)``: ``y`` with ``stride-1`` zeros inserted
    between pixels, padded by ``q = dilation*(k-1) - padding`` on the top/left and
    ``q + output_padding`` on the bottom/right (a negative ``q`` crops), and the
    weight rotated by 180° with in/out channels swapped. Then
    ``F.conv2d(padded_input, rotated_weight, dilation=dilation, groups=groups)``
    equals the transposed convolution.
    """
    if y.dim() != 4 or weight.dim() != 4:
        raise ConvConfigError(_(
            "y {y} and weight {w} must be 4-d: (N, C_in, H, W) and (C_in, C_out/groups, kh, kw)."
        ).format(y=tuple(y.shape), w=tuple(weight.shape)))
    cin, cout_g, kh, kw = weight.shape
    if not is_int(groups) or groups < 1:
        raise ConvConfigError(_("groups={groups!r} must be a whole number, at least 1.").format(groups=groups))
    groups = int(groups)
    check_channels(cin, cout_g * groups, groups)
    if y.shape[1] != cin:
        raise ConvConfigError(_("y has {got} channels, but the weight expects {cin} (its first axis).").format(
            got=y.shape[1], cin=cin))
    s, p = pair(stride, "stride"), pair(padding, "padding")
    op, d = pair(output_padding, "output_padding"), pair(dilation, "dilation")
    conv_transpose_output_size(tuple(y.shape[-2:]), (kh, kw), s, p, op, d)  # validates
    q = (d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1])
    # F.pad order is (left, right, top, bottom); negative amounts crop.
    padded = F.pad(zero_insert(y, s), (q[1], q[1] + op[1], q[0], q[0] + op[0]))
    return padded, rotate_weight(weight, groups)


def conv_transpose_zero_insertion(
    y: torch.Tensor,
    weight: torch.Tensor,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> torch.Tensor:
    """``F.conv_transpose2d(y, weight, ...)`` computed as a direct convolution (see transposed_as_direct)."""
    padded, rotated = transposed_as_direct(y, weight, stride, padding, output_padding, dilation, groups)
    return F.conv2d(padded, rotated, dilation=pair(dilation, "dilation"), groups=groups)


def matching_output_padding(
    input_size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0, dilation: IntOrTuple = 1
) -> tuple[int, int]:
    """The output_padding that makes ConvTranspose2d return ``input_size`` (the size C.T gives).

    ``(in + 2*padding - dilation*(k-1) - 1) % stride`` per axis: the rows/columns the
    strided convolution skipped at the bottom/right.
    """
    i, k = pair(input_size, "input_size"), pair(kernel_size, "kernel_size")
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    conv_output_size(i, k, s, p, d)  # validates
    return ((i[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) % s[0], (i[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) % s[1])


@dataclass
class TransposeViews:
    """One transposed convolution computed three ways (all (H, W) tensors)."""

    y: torch.Tensor
    kernel: torch.Tensor
    output_padding: tuple[int, int]
    torch_result: torch.Tensor  # F.conv_transpose2d
    matrix_result: torch.Tensor  # C.T @ y, reshaped
    zero_insertion_result: torch.Tensor  # zero insertion + padding + rotated kernel + F.conv2d
    matrix: torch.Tensor  # C (C.T is matrix.T)

    @property
    def max_abs_difference(self) -> float:
        """Largest disagreement between the three results."""
        a, b, c = self.torch_result, self.matrix_result, self.zero_insertion_result
        return max((a - b).abs().max().item(), (a - c).abs().max().item())


def conv_transpose_three_ways(
    y: torch.Tensor,
    kernel: torch.Tensor,
    input_size: IntOrTuple | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    output_padding: IntOrTuple | None = None,
) -> TransposeViews:
    """Transposed convolution of a single-channel ``y`` with a 2-d ``kernel``, three ways.

    ``input_size`` is the size of the convolution's input, which is what ``C.T``
    returns; ``F.conv_transpose2d`` returns it when ``output_padding`` is
    ``(input_size + 2*padding - dilation*(k-1) - 1) % stride`` (the default when
    ``input_size`` is given). Give either, or neither (then output_padding is 0).
    Raises ConvConfigError when they disagree, or when ``y``'s size is not the
    convolution's output size for ``input_size``.
    """
    kernel = kernel2d(kernel)
    y2 = _image2d(y, "y").to(kernel.dtype)
    k = tuple(kernel.shape)
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    if input_size is None:
        op = pair(0 if output_padding is None else output_padding, "output_padding")
        if any(op[a] >= s[a] for a in range(2)):
            raise ConvConfigError(_(
                "output_padding={op} is not below stride={s}: PyTorch allows it (it is below dilation), "
                "but then no convolution maps back to y's size, so there is no matrix C to transpose."
            ).format(op=op, s=s))
        input_size = conv_transpose_output_size(tuple(y2.shape), k, s, p, op, d)
    in_size = pair(input_size, "input_size")
    expected_op = matching_output_padding(in_size, k, s, p, d)
    if output_padding is not None and pair(output_padding, "output_padding") != expected_op:
        raise ConvConfigError(_(
            "output_padding={op!r} does not give back input_size={size}; "
            "(in + 2*padding - dilation*(k-1) - 1) % stride = {expected} does."
        ).format(op=output_padding, size=in_size, expected=expected_op))
    out_size = conv_output_size(in_size, k, s, p, d)
    if tuple(y2.shape) != out_size:
        raise ConvConfigError(_("y is {got}, but a convolution of a {size} input gives {out}.").format(
            got=tuple(y2.shape), size=in_size, out=out_size))
    C = conv_matrix(kernel, in_size, s, p, d)
    w4 = kernel[None, None]
    y4 = y2[None, None]
    by_torch = F.conv_transpose2d(y4, w4, stride=s, padding=p, output_padding=expected_op, dilation=d)
    return TransposeViews(
        y=y2,
        kernel=kernel,
        output_padding=expected_op,
        torch_result=by_torch[0, 0],
        matrix_result=(C.T @ y2.flatten()).reshape(in_size),
        zero_insertion_result=conv_transpose_zero_insertion(y4, w4, s, p, expected_op, d)[0, 0],
        matrix=C,
    )


@dataclass
class Roundtrip:
    """A convolution followed by the transposed convolution with the same kernel."""

    x: torch.Tensor  # the input, (h, w)
    y: torch.Tensor  # F.conv2d(x, kernel), (out_h, out_w)
    x_back: torch.Tensor  # F.conv_transpose2d(y, kernel) = C.T @ C @ x, (h, w)
    max_abs_error: float  # max |x_back - x|
    kernel: torch.Tensor
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]

    @property
    def same_shape(self) -> bool:
        """True: the shapes always match, which is all 'transposed' promises."""
        return self.x_back.shape == self.x.shape

    def matrix(self) -> torch.Tensor:
        """C for this input size (built on demand: it is big for big inputs)."""
        return conv_matrix(self.kernel, tuple(self.x.shape), self.stride, self.padding, self.dilation)

    def gram(self) -> torch.Tensor:
        """C.T @ C: the identity only for very special kernels, never for a random one."""
        C = self.matrix()
        return C.T @ C


def roundtrip(
    x: torch.Tensor,
    kernel: torch.Tensor,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> Roundtrip:
    """Convolve a single-channel ``x`` with ``kernel``, then transposed-convolve back.

    ``x_back`` has ``x``'s shape (``output_padding`` is chosen for that) but not its
    values: the transposed convolution is ``C.T``, not ``C``'s inverse.
    """
    kernel = kernel2d(kernel)
    x2 = _image2d(x, "x").to(kernel.dtype)
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    op = matching_output_padding(tuple(x2.shape), tuple(kernel.shape), s, p, d)
    w4 = kernel[None, None]
    y = F.conv2d(x2[None, None], w4, stride=s, padding=p, dilation=d)
    x_back = F.conv_transpose2d(y, w4, stride=s, padding=p, output_padding=op, dilation=d)[0, 0]
    return Roundtrip(
        x=x2,
        y=y[0, 0],
        x_back=x_back,
        max_abs_error=(x_back - x2).abs().max().item(),
        kernel=kernel,
        stride=s,
        padding=p,
        dilation=d,
    )


def matrix_shape(
    kernel_size: IntOrTuple, input_size: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0, dilation: IntOrTuple = 1
) -> tuple[int, int]:
    """Shape of C, ``(out_h*out_w, in_h*in_w)``, without building it."""
    i = pair(input_size, "input_size")
    out = _single_channel(pair(kernel_size, "kernel_size"), pair(stride, "stride"), pair(padding, "padding"),
                          pair(dilation, "dilation")).output_size(i)
    return (math.prod(out), math.prod(i))


def _single_channel(kernel_size: Sequence[int], stride: IntOrTuple, padding: IntOrTuple,
                    dilation: IntOrTuple) -> LayerConfig:
    """The one-in, one-out Conv2d whose matrix C is: the matrix view's layer."""
    return LayerConfig(1, 1, tuple(kernel_size), stride=stride, padding=padding, dilation=dilation)
