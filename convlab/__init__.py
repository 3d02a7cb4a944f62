"""convlab: the helper package of the interactive course on PyTorch convolution layers.

The public API (kept stable for outside tests) is listed in ``__all__``.
"""

from __future__ import annotations

from typing import Any

from .arithmetic import (
    check_channels,
    common_divisors,
    conv_output_size,
    conv_transpose_output_size,
    divisors,
    effective_kernel_size,
    mac_count,
    parameter_count,
    receptive_field,
    same_padding,
    weight_shape,
)
from .config import LayerConfig
from .errors import ConvConfigError
from .heap import limit_onednn_cache
from .i18n import get_language, set_language
from .images import available_images, load_image, to_display
from .layers import check_layer_config, layer_code, make_layer

__version__ = "0.1.0"

limit_onednn_cache()  # before this kernel's first convolution: see convlab.heap

# Modules that pull in matplotlib or ipywidgets load on first use.
_LAZY = {
    "ConvLab": "lab",
    "conv_matrix": "matrix",
}

__all__ = [
    "ConvConfigError",
    "ConvLab",
    "LayerConfig",
    "available_images",
    "check_channels",
    "check_layer_config",
    "common_divisors",
    "conv_matrix",
    "conv_output_size",
    "conv_transpose_output_size",
    "divisors",
    "effective_kernel_size",
    "get_language",
    "layer_code",
    "load_image",
    "mac_count",
    "make_layer",
    "parameter_count",
    "receptive_field",
    "same_padding",
    "set_language",
    "to_display",
    "weight_shape",
]


def __getattr__(name: str) -> Any:
    import importlib
    import importlib.util

    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)  # cl.diagrams, cl.exercises, ...
    raise AttributeError(f"module 'convlab' has no attribute {name!r}")
