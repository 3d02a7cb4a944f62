# Types of convlab's top-level names. convlab/__init__.py loads some names on first use
# (``_LAZY`` and the submodules, through a module ``__getattr__``), which a type checker
# cannot see; this stub names them. Keep it in step with __init__.py (tests/test_stub.py checks).

from . import activations as activations
from . import arithmetic as arithmetic
from . import blur as blur
from . import config as config
from . import course as course
from . import diagrams as diagrams
from . import errors as errors
from . import exercises as exercises
from . import fetch_lena as fetch_lena
from . import figures as figures
from . import fonts as fonts
from . import gallery as gallery
from . import groups as groups
from . import heap as heap
from . import homework as homework
from . import i18n as i18n
from . import images as images
from . import lab as lab
from . import lab_compute as lab_compute
from . import lab_view as lab_view
from . import layers as layers
from . import linear as linear
from . import matrix as matrix
from . import matrix_figures as matrix_figures
from . import params as params
from . import pooling as pooling
from . import receptive as receptive
from . import render as render
from . import sliding as sliding
from . import stepping as stepping
from . import transpose_paths as transpose_paths
from . import transposed_tools as transposed_tools
from .arithmetic import check_channels as check_channels
from .arithmetic import common_divisors as common_divisors
from .arithmetic import conv_output_size as conv_output_size
from .arithmetic import conv_transpose_output_size as conv_transpose_output_size
from .arithmetic import divisors as divisors
from .arithmetic import effective_kernel_size as effective_kernel_size
from .arithmetic import mac_count as mac_count
from .arithmetic import parameter_count as parameter_count
from .arithmetic import receptive_field as receptive_field
from .arithmetic import same_padding as same_padding
from .arithmetic import weight_shape as weight_shape
from .config import LayerConfig as LayerConfig
from .errors import ConvConfigError as ConvConfigError
from .i18n import get_language as get_language
from .i18n import set_language as set_language
from .images import available_images as available_images
from .images import load_image as load_image
from .images import to_display as to_display
from .lab import ConvLab as ConvLab
from .layers import check_layer_config as check_layer_config
from .layers import layer_code as layer_code
from .layers import make_layer as make_layer
from .matrix import conv_matrix as conv_matrix

__version__: str

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
