"""Small helpers of lesson 07 (nn.ConvTranspose2d): the output size a lab's sliders ask for."""

from __future__ import annotations

from collections.abc import Mapping

from .arithmetic import conv_output_size, conv_transpose_output_size


def lab_size(params: Mapping[str, int], image_size: tuple[int, int] = (512, 512),
             transposed: bool = True) -> tuple[int, int]:
    """The (height, width) a lab's layer gives for its slider values ``params`` (``lab.params``).

    ``transposed=True`` uses the ConvTranspose2d formula (with ``params["output_padding"]``),
    ``False`` the Conv2d one. An impossible configuration raises ``cl.ConvConfigError``.
    """
    common = dict(stride=params["stride"], padding=params["padding"], dilation=params["dilation"])
    if transposed:
        h, w = conv_transpose_output_size(tuple(image_size), params["kernel_size"],
                                          output_padding=params.get("output_padding", 0), **common)
    else:
        h, w = conv_output_size(tuple(image_size), params["kernel_size"], **common)
    return h, w


def size_back(size: int, kernel_size: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
              dilation: int = 1) -> int:
    """ConvTranspose2d's output size for ``size``, then Conv2d's with the same parameters.

    It equals ``size`` exactly when ``output_padding < stride``; otherwise it is
    ``size + output_padding // stride`` (PyTorch allows that through ``dilation``).
    """
    up = conv_transpose_output_size(size, kernel_size, stride=stride, padding=padding,
                                    output_padding=output_padding, dilation=dilation)
    return conv_output_size(up, kernel_size, stride=stride, padding=padding, dilation=dilation)
