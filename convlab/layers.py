"""Seeded Conv2d / ConvTranspose2d layers, built exactly as the seed lesson builds them.

Thin wrappers over :class:`convlab.config.LayerConfig`, kept for notebooks and outside callers.
"""

from __future__ import annotations

from torch import nn

from .config import LayerConfig
from .params import IntOrTuple, Padding


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
    LayerConfig(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                output_padding=output_padding, dilation=dilation, groups=groups,
                transposed=transposed).validate()


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
    return LayerConfig(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                       output_padding=output_padding, dilation=dilation, groups=groups, bias=bias,
                       transposed=transposed).build(seed)


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
    return LayerConfig(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                       output_padding=output_padding, dilation=dilation, groups=groups, bias=bias,
                       transposed=transposed).code()
