"""The one parameter normaliser: ints, tuples and NumPy integers, the way PyTorch reads them."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TypeAlias

from .errors import ConvConfigError
from .i18n import _, ngettext

IntOrTuple: TypeAlias = int | Sequence[int]
"""One int for every spatial axis, or one per axis."""
Padding: TypeAlias = int | Sequence[int] | str
"""As ``IntOrTuple``, or ``'same'`` / ``'valid'`` (Conv only)."""


def is_int(value: object) -> bool:
    """A whole number (Python or NumPy integer), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_tuple(value: object, name: str, ndim: int) -> tuple[int, ...]:
    """Broadcast an int to ``ndim`` axes or check a sequence has ``ndim`` whole numbers."""
    if is_int(value):
        return (int(value),) * ndim  # type: ignore[call-overload]
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != ndim:
            has = ngettext("{name}={value!r} has {n} entry", "{name}={value!r} has {n} entries", len(value))
            axes = ngettext("but the input has {ndim} spatial axis: give one int, or a tuple of {ndim}.",
                            "but the input has {ndim} spatial axes: give one int, or a tuple of {ndim}.", ndim)
            raise ConvConfigError((has + ", " + axes).format(name=name, value=tuple(value), n=len(value), ndim=ndim))
        if not all(is_int(v) for v in value):
            raise ConvConfigError(_("{name}={value!r} must hold whole numbers.").format(name=name, value=tuple(value)))
        return tuple(int(v) for v in value)
    raise ConvConfigError(_("{name}={value!r} must be a whole number or a tuple of them.").format(name=name, value=value))


def pair(value: object, name: str) -> tuple[int, int]:
    """``as_tuple`` for the two axes of a 2-d layer."""
    h, w = as_tuple(value, name, 2)
    return h, w


def plain(value: object) -> object:
    """Python ints and tuples, so printed code reads the same for NumPy integers (not np.int64(3))."""
    if is_int(value):
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    return value
