"""The seed course's convolution homework (lesson 04), as ready-made layers and inputs.

The homework comes from 深度之眼's PyTorch 框架班 (JansonYuan's Pytorch-Camp on GitHub,
``Week3.md``, task 2):

1. by hand, then in code: two 3×3 kernels (one all ones, one all twos) over a
   3-channel 5×5 input, ``padding=0`` and then ``padding=1`` (the course writes
   ``dilation=0``, which is PyTorch's ``dilation=1``: a kernel without gaps);
2. 「对lena图进行3*3*33d卷积，提示：padding=（1， 0， 0）」 (sic: "3*3*3 3d"): a 3×3×3
   ``nn.Conv3d`` on lena.

The course gives part 1's input as a picture only; :func:`homework_input` is an
input of our own, invented so that the sums are easy by hand.
"""

from __future__ import annotations

import torch
from torch import nn


def homework_input() -> torch.Tensor:
    """An invented (1, 3, 5, 5) input for homework 1: every pixel of channel c is c + 1.

    Not the course's data (the course shows its input as a picture): picked so that a
    window's sum is easy to add up by hand.
    """
    return torch.stack([torch.full((5, 5), float(c + 1)) for c in range(3)]).unsqueeze(0)


def homework_layer(padding: int = 0) -> nn.Conv2d:
    """Homework 1's layer: ``nn.Conv2d(3, 2, 3, padding=padding)``, bias 0.

    Its two 3×3 kernels (each 3 channels deep) are all ones (output channel 0) and
    all twos (output channel 1). Stride 1 and PyTorch's dilation 1, as in the homework.
    """
    conv = nn.Conv2d(3, 2, 3, padding=padding)
    with torch.no_grad():
        conv.weight[0] = 1.0
        conv.weight[1] = 2.0
        assert conv.bias is not None
        conv.bias.zero_()
    return conv


def homework_conv3d(
    in_channels: int = 1,
    kernel_size: int | tuple[int, int, int] = (3, 3, 3),
    padding: int | tuple[int, int, int] = (1, 0, 0),
    seed: int = 2,
) -> nn.Conv3d:
    """An ``nn.Conv3d(in_channels, 1, kernel_size, padding=padding)`` set up as the course does.

    Seeded with ``seed``, weights ``nn.init.xavier_normal_``; the global random state is
    left as it was. The defaults are homework 2's real 3×3×3 convolution; the course's
    own code is ``homework_conv3d(3, (1, 3, 3))``.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        conv = nn.Conv3d(in_channels, 1, kernel_size, padding=padding)
        nn.init.xavier_normal_(conv.weight.data)
    return conv

