"""Seeded Conv2d / ConvTranspose2d layers, built exactly as the seed lesson builds them."""

from __future__ import annotations

import numbers

import torch
from torch import nn

from .arithmetic import IntOrTuple, Padding, _as_tuple, _check_common, _check_padding, check_channels
from .errors import ConvConfigError


def check_layer_config(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    *,
    transposed: bool = False,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> None:
    """Raise :class:`ConvConfigError` for any 2-d layer configuration PyTorch would refuse."""
    check_channels(in_channels, out_channels, groups)
    k, s, d = _check_common(2, kernel_size, stride, dilation)
    if isinstance(padding, str):
        if transposed:
            raise ConvConfigError(
                f"padding={padding!r}: ConvTranspose2d takes numbers only, not 'same' or 'valid'."
            )
        if padding not in ("same", "valid"):
            raise ConvConfigError(f"padding={padding!r} must be a number, 'same' or 'valid'.")
        if padding == "same" and any(si != 1 for si in s):
            raise ConvConfigError(
                f"padding='same' needs stride=1, but stride is {stride}: "
                "with a larger stride the output cannot keep the input's size."
            )
    else:
        _check_padding(_as_tuple(padding, "padding", 2))
    if transposed:
        op = _as_tuple(output_padding, "output_padding", 2)
        for o, si, di in zip(op, s, d, strict=True):
            if o < 0:
                raise ConvConfigError(f"output_padding is {o}, but it must be at least 0: it adds rows/columns.")
            if not (o < si or o < di):
                raise ConvConfigError(
                    f"output_padding is {o}, but it must be smaller than stride ({si}) or dilation ({di}): "
                    "it only picks among the input sizes that a strided convolution maps to one output size."
                )
    elif output_padding not in (0, (0, 0)):
        raise ConvConfigError("output_padding belongs to ConvTranspose2d; a Conv2d has none.")


def make_layer(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    *,
    transposed: bool = False,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    bias: bool = True,
    seed: int = 2,
) -> nn.Conv2d | nn.ConvTranspose2d:
    """An ``nn.Conv2d`` (or ``nn.ConvTranspose2d``) with ``xavier_normal_`` weights after seeding.

    Does what the seed lesson does, ``set_seed(seed)``, build the layer, then
    ``nn.init.xavier_normal_(layer.weight)``, so the weights match the seed's
    figures bit for bit. The global random state is restored afterwards, and the
    same arguments always give the same weights. Raises :class:`ConvConfigError`
    instead of a PyTorch traceback for an impossible configuration.
    """
    check_layer_config(
        in_channels, out_channels, kernel_size, transposed=transposed, stride=stride,
        padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if transposed:
            layer: nn.Module = nn.ConvTranspose2d(
                in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                output_padding=output_padding, groups=groups, bias=bias, dilation=dilation,
            )
        else:
            layer = nn.Conv2d(
                in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                dilation=dilation, groups=groups, bias=bias,
            )
        nn.init.xavier_normal_(layer.weight.data)
    return layer  # type: ignore[return-value]


def _plain(value: object) -> object:
    """Python ints and tuples, so the code reads the same for NumPy integers (repr np.int64(3))."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def layer_code(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    *,
    transposed: bool = False,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    bias: bool = True,
) -> str:
    """The PyTorch line that builds this layer, with non-default arguments only."""
    cls = "nn.ConvTranspose2d" if transposed else "nn.Conv2d"
    args = [str(in_channels), str(out_channels), f"kernel_size={_plain(kernel_size)!r}"]
    defaults = {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1, "bias": True}
    given = {"stride": stride, "padding": padding, "output_padding": output_padding,
             "dilation": dilation, "groups": groups, "bias": bias}
    for name, value in given.items():
        if name == "output_padding" and not transposed:
            continue
        if value != defaults[name]:
            args.append(f"{name}={_plain(value)!r}")
    return f"{cls}({', '.join(args)})"
