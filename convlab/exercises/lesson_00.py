"""Exercises of lesson 00: the seed lesson's script (shapes, sizes, parameters, Xavier)."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..arithmetic import conv_transpose_output_size
from ..i18n import N_
from .bank import ValueExercise, register


def _conv5_shape() -> tuple[int, ...]:
    with torch.no_grad():
        return tuple(nn.Conv2d(3, 1, 5)(torch.zeros(1, 3, 512, 512)).shape)


def _parameter_count() -> int:
    return sum(p.numel() for p in nn.Conv2d(3, 1, 3).parameters())


def _xavier_std() -> float:
    """gain · sqrt(2 / (fan_in + fan_out)) for the weight of nn.Conv2d(3, 8, 3), from torch's own fans."""
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(nn.Conv2d(3, 8, 3).weight)
    return round(1.0 * math.sqrt(2.0 / (fan_in + fan_out)), 3)


register(
    ValueExercise(
        id="00.conv5-shape", lesson="00",
        _prompt=N_("What is the output shape of nn.Conv2d(3, 1, 5) on img_tensor, whose shape is (1, 3, 512, 512)?"),
        _hint=N_("Four numbers: batch, channels, height, width. The batch stays, the channels become "
                 "out_channels, and a k×k kernel fits in (size − k + 1) places along each axis."),
        _explanation=N_("One image, one output channel, and a 5×5 kernel fits at 512 − 5 + 1 = 508 places "
                        "along each axis."),
        answer=_conv5_shape,
        mistakes={
            (1, 1, 510, 510): N_("That is the 3×3 kernel's output; this kernel is 5×5."),
            (1, 3, 508, 508): N_("The layer makes out_channels channels, whatever the input had."),
            (1, 1, 512, 512): N_("Without padding the kernel must fit inside the image, so the output is smaller."),
        },
    ),
    ValueExercise(
        id="00.tconv-size", lesson="00",
        _prompt=N_("nn.ConvTranspose2d(3, 1, 3, stride=2) on a 256×256 image: how many pixels a side is the output?"),
        _hint=N_("Step 6 worked it out for 512: the input pixels sit stride apart on the output grid, "
                 "and the last one still spreads a whole kernel."),
        _explanation=N_("(256 − 1) × 2 + 3 = 513: 255 steps of 2 between the first and the last input pixel, "
                        "plus the 3 pixels the last kernel covers."),
        answer=lambda: conv_transpose_output_size(256, 3, stride=2),
        mistakes={
            512: N_("Close: doubling forgets that the last input pixel spreads a whole 3-pixel kernel."),
            127: N_("That is the forward convolution's size; a transposed convolution with stride 2 makes the "
                    "image bigger."),
        },
    ),
    ValueExercise(
        id="00.parameters", lesson="00",
        _prompt=N_("How many learnable numbers does nn.Conv2d(3, 1, 3) hold (weights and bias together)?"),
        _hint=N_("Multiply out the weight's shape (out, in, kH, kW), then add one bias per output channel."),
        _explanation=N_("The weight is 1 × 3 × 3 × 3 = 27 numbers, and there is one bias for the one output "
                        "channel: 28."),
        answer=_parameter_count,
        mistakes={
            27: N_("Don't forget the bias: one per output channel."),
            9: N_("The kernel covers all 3 input channels, not just one."),
            10: N_("The kernel covers all 3 input channels, not just one."),
        },
    ),
    ValueExercise(
        id="00.xavier-std", lesson="00",
        _prompt=N_("nn.init.xavier_normal_ on the weight of nn.Conv2d(3, 8, 3): what standard deviation does it "
                   "draw from? Give 3 decimals."),
        _hint=N_("std = gain · sqrt(2 / (fan_in + fan_out)) with gain 1; fan_in = in_channels · kH · kW and "
                 "fan_out = out_channels · kH · kW."),
        _explanation=N_("fan_in = 3 · 3 · 3 = 27 and fan_out = 8 · 3 · 3 = 72, so std = sqrt(2 / 99) ≈ 0.142."),
        answer=_xavier_std,
        rel_tol=2e-3,
        mistakes={
            0.236: N_("That is the std for one output channel; this layer has 8, so fan_out is larger."),
            0.272: N_("That uses fan_in alone; Xavier averages fan_in and fan_out."),
        },
    ),
)
