"""The measured receptive field (by backprop) agrees with the formula in convlab.arithmetic."""

import random

import pytest
import torch

import convlab as cl
from convlab.receptive import input_gradient, measured_receptive_field


def test_one_layer_sees_its_kernel_span():
    for k in (1, 2, 3, 5):
        for d in (1, 2, 3):
            assert measured_receptive_field([(k, 1, d)], size=40) == d * (k - 1) + 1


def test_known_stacks():
    assert measured_receptive_field([(3, 1)] * 3) == 7
    assert measured_receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) == 15
    assert measured_receptive_field([(7, 2), (3, 2), (3, 1)], size=96) == 19


def test_random_stacks_match_the_formula():
    rng = random.Random(0)
    for _ in range(60):
        layers = [(rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 2)) for _ in range(rng.randint(1, 3))]
        r = cl.receptive_field(layers)
        size = 4 * r + 8
        assert measured_receptive_field(layers, size=size) == r, layers


def test_gradient_map_is_positive_exactly_on_a_square():
    grad = input_gradient([(3, 1), (3, 1)], size=21)
    nz = (grad > 0).nonzero()
    assert grad.shape == (21, 21)
    assert len(nz) == 25  # a 5×5 square
    assert torch.all(grad >= 0)


def test_field_touching_the_border_is_refused():
    with pytest.raises(ValueError, match="bigger size"):
        measured_receptive_field([(5, 1)] * 4, size=17)
