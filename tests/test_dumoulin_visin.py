"""Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016), against convlab and torch.

Each of the guide's 15 relationships is one named case, checked over a small grid of
(i, k, p, s, d) where its conditions hold: the relationship's formula, convlab's
functions and the shape torch produces must agree. For the transposed relationships
(8-14) the grid runs over the *direct* convolution (i, k, p, s) whose transpose the
relationship describes; the transposed one reads i' = o and must give back i, and
the guide's equivalent direct convolution (zeros inserted, padding p') must too.
The guide's animated cases are named cases as well, checked against torch and convlab.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import convlab as cl

GRID = list(itertools.product(range(1, 10), range(1, 6), range(0, 5), range(1, 4), range(1, 4)))


pytestmark = pytest.mark.usefixtures("one_thread")


def torch_conv(i: int, k: int, p: int, s: int, d: int = 1) -> int:
    return F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1]


def torch_conv_transpose(i: int, k: int, p: int, s: int, a: int = 0) -> int:
    y = torch.zeros(1, 1, i)
    return F.conv_transpose1d(y, torch.zeros(1, 1, k), stride=s, padding=p, output_padding=a).shape[-1]


def fits(i: int, k: int, p: int, d: int = 1) -> bool:
    """The (dilated) kernel fits in the padded input, so a direct convolution exists."""
    return i + 2 * p >= d * (k - 1) + 1


# ---------------------------------------------------------------- relationships 1-7 and 15


@dataclass(frozen=True)
class Direct:
    condition: Callable[[int, int, int, int, int], bool]
    formula: Callable[[int, int, int, int, int], int]
    pooling: bool = False


DIRECT = {
    "rel01-no-padding-unit-strides": Direct(
        lambda i, k, p, s, d: s == 1 and p == 0 and d == 1, lambda i, k, p, s, d: i - k + 1),
    "rel02-zero-padding-unit-strides": Direct(
        lambda i, k, p, s, d: s == 1 and d == 1, lambda i, k, p, s, d: i - k + 2 * p + 1),
    "rel03-half-padding": Direct(
        lambda i, k, p, s, d: k % 2 == 1 and p == k // 2 and s == 1 and d == 1, lambda i, k, p, s, d: i),
    "rel04-full-padding": Direct(
        lambda i, k, p, s, d: p == k - 1 and s == 1 and d == 1, lambda i, k, p, s, d: i + k - 1),
    "rel05-no-padding-strides": Direct(
        lambda i, k, p, s, d: p == 0 and d == 1, lambda i, k, p, s, d: (i - k) // s + 1),
    "rel06-general": Direct(
        lambda i, k, p, s, d: d == 1, lambda i, k, p, s, d: (i + 2 * p - k) // s + 1),
    "rel07-pooling": Direct(
        lambda i, k, p, s, d: p == 0 and d == 1, lambda i, k, p, s, d: (i - k) // s + 1, pooling=True),
    "rel15-dilation": Direct(
        lambda i, k, p, s, d: True, lambda i, k, p, s, d: (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1),
}


@pytest.mark.parametrize("rel", DIRECT.values(), ids=DIRECT.keys())
def test_direct_relationship(rel: Direct):
    points = [g for g in GRID if rel.condition(*g) and fits(g[0], g[1], g[2], g[4])]
    assert len(points) >= 10  # the grid really exercises the relationship
    for i, k, p, s, d in points:
        o = rel.formula(i, k, p, s, d)
        assert cl.conv_output_size(i, k, s, p, d) == o, (i, k, p, s, d)
        if rel.pooling:
            assert F.max_pool1d(torch.zeros(1, 1, i), k, stride=s).shape[-1] == o, (i, k, s)
        else:
            assert torch_conv(i, k, p, s, d) == o, (i, k, p, s, d)


# ---------------------------------------------------------------- relationships 8-14 (transposed)


@dataclass(frozen=True)
class Transposed:
    """The transpose of a direct convolution (i, k, p, s) that meets ``condition``."""

    condition: Callable[[int, int, int, int], bool]
    formula: Callable[[int, int, int, int, int], int]  # o' from (i', k, p, s, a)
    p_prime: Callable[[int, int], int]  # padding of the equivalent direct convolution, from (k, p)


TRANSPOSED = {
    "rel08-transposed-no-padding-unit-strides": Transposed(
        lambda i, k, p, s: s == 1 and p == 0, lambda i_, k, p, s, a: i_ + k - 1, lambda k, p: k - 1),
    "rel09-transposed-zero-padding-unit-strides": Transposed(
        lambda i, k, p, s: s == 1 and p <= k - 1, lambda i_, k, p, s, a: i_ + k - 1 - 2 * p,
        lambda k, p: k - p - 1),
    "rel10-transposed-half-padding": Transposed(
        lambda i, k, p, s: k % 2 == 1 and p == k // 2 and s == 1, lambda i_, k, p, s, a: i_, lambda k, p: p),
    "rel11-transposed-full-padding": Transposed(
        lambda i, k, p, s: p == k - 1 and s == 1, lambda i_, k, p, s, a: i_ - k + 1, lambda k, p: 0),
    "rel12-transposed-no-padding-strides": Transposed(
        lambda i, k, p, s: p == 0 and (i - k) % s == 0, lambda i_, k, p, s, a: s * (i_ - 1) + k,
        lambda k, p: k - 1),
    "rel13-transposed-padding-strides": Transposed(
        lambda i, k, p, s: p <= k - 1 and (i + 2 * p - k) % s == 0,
        lambda i_, k, p, s, a: s * (i_ - 1) + k - 2 * p, lambda k, p: k - p - 1),
    "rel14-transposed-general": Transposed(
        lambda i, k, p, s: p <= k - 1, lambda i_, k, p, s, a: s * (i_ - 1) + a + k - 2 * p,
        lambda k, p: k - p - 1),
}


def stretched(i_: int, s: int) -> int:
    """Input size after inserting s-1 zeros between neighbouring input units."""
    return i_ + (i_ - 1) * (s - 1)


def equivalent_direct(y: torch.Tensor, w: torch.Tensor, s: int, p_prime: int, a: int) -> torch.Tensor:
    """The guide's direct convolution equal to a transposed one (1-d).

    Insert s-1 zeros between input units, pad p' on both sides and a more at the end,
    and convolve with stride 1. PyTorch computes cross-correlation, so the kernel is
    flipped: the guide's figures leave that unsaid.
    """
    n = y.shape[-1]
    z = torch.zeros(1, 1, stretched(n, s), dtype=y.dtype)
    z[..., ::s] = y
    return F.conv1d(F.pad(z, (p_prime, p_prime + a)), w.flip(-1))


@pytest.mark.parametrize("rel", TRANSPOSED.values(), ids=TRANSPOSED.keys())
def test_transposed_relationship(rel: Transposed):
    gen = torch.Generator().manual_seed(0)
    points = [(i, k, p, s) for i, k, p, s, d in GRID if d == 1 and fits(i, k, p) and rel.condition(i, k, p, s)]
    assert len(points) >= 10
    for i, k, p, s in points:
        i_ = cl.conv_output_size(i, k, s, p)  # the transposed convolution reads the direct one's output
        a = (i + 2 * p - k) % s
        o_ = rel.formula(i_, k, p, s, a)
        where = (i, k, p, s)
        assert o_ == i, where  # it maps o back to i
        assert cl.conv_transpose_output_size(i_, k, s, p, output_padding=a) == o_, where
        assert torch_conv_transpose(i_, k, p, s, a) == o_, where
        p_ = rel.p_prime(k, p)
        assert p_ == k - p - 1, where  # every stated p' is the general one
        assert cl.conv_output_size(stretched(i_, s) + a, k, 1, p_) == o_, where
        # ... and the values agree, not only the sizes
        y = torch.randn(1, 1, i_, generator=gen, dtype=torch.float64)
        w = torch.randn(1, 1, k, generator=gen, dtype=torch.float64)
        expected = F.conv_transpose1d(y, w, stride=s, padding=p, output_padding=a)
        torch.testing.assert_close(equivalent_direct(y, w, s, p_, a), expected, msg=str(where))


# ---------------------------------------------------------------- the guide's animations

# (i, k, p, s, d) -> o, as the guide's animations show them
ANIMATIONS = {
    "no_padding_no_strides": ((4, 3, 0, 1, 1), 2),
    "arbitrary_padding_no_strides": ((5, 4, 2, 1, 1), 6),
    "same_padding_no_strides": ((5, 3, 1, 1, 1), 5),
    "full_padding_no_strides": ((5, 3, 2, 1, 1), 7),
    "no_padding_strides": ((5, 3, 0, 2, 1), 2),
    "padding_strides": ((5, 3, 1, 2, 1), 3),
    "padding_strides_odd": ((6, 3, 1, 2, 1), 3),
    "dilation": ((7, 3, 0, 1, 2), 3),
}
# the transposed animations are the transposes of the first seven
TRANSPOSED_ANIMATIONS = {f"{name}_transposed": ANIMATIONS[name] for name in list(ANIMATIONS)[:7]}


@pytest.mark.parametrize("config, o", ANIMATIONS.values(), ids=ANIMATIONS.keys())
def test_animation(config, o):
    i, k, p, s, d = config
    layer = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
    assert tuple(layer(torch.zeros(1, 1, i, i)).shape[2:]) == (o, o)
    assert cl.conv_output_size((i, i), k, s, p, d) == (o, o)
    assert cl.conv_output_size(i, k, s, p, d) == o


@pytest.mark.parametrize("config, o", TRANSPOSED_ANIMATIONS.values(), ids=TRANSPOSED_ANIMATIONS.keys())
def test_transposed_animation(config, o):
    i, k, p, s, d = config
    a = (i + 2 * p - k) % s  # relationship 14: PyTorch's output_padding
    layer = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=a, dilation=d)
    assert tuple(layer(torch.zeros(1, 1, o, o)).shape[2:]) == (i, i)
    assert cl.conv_transpose_output_size((o, o), k, s, p, a, d) == (i, i)
    assert cl.conv_transpose_output_size(o, k, s, p, a, d) == i
    # the picture the guide draws: o zero-stretched, padded by p' = k-p-1 (and a), stride 1
    assert cl.conv_output_size(stretched(o, s) + a, k, 1, k - p - 1) == i


def test_transposed_animations_need_output_padding_only_when_odd():
    """Only padding_strides_odd is ambiguous: sizes 5 and 6 both give 3, so it needs a = 1."""
    needs = {name: (i + 2 * p - k) % s for name, ((i, k, p, s, d), o) in TRANSPOSED_ANIMATIONS.items()}
    assert {name for name, a in needs.items() if a} == {"padding_strides_odd_transposed"}
    assert torch_conv(5, 3, 1, 2) == torch_conv(6, 3, 1, 2) == 3
    # and without it torch gives the other size
    layer = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)
    assert tuple(layer(torch.zeros(1, 1, 3, 3)).shape[2:]) == (5, 5)
