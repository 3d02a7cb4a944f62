"""convlab.stepping: PyTorch's output size as judge, and the case menu wired to its stepper."""

from __future__ import annotations

import pytest

import convlab as cl
from convlab.stepping import STEPPER_MAX_HEIGHT, case_explorer, case_label, case_stepper, torch_size

pytestmark = pytest.mark.usefixtures("one_thread")

CASES = [(4, 3, 0, 1, 1, 2), (6, 3, 1, 2, 1, 3), (7, 3, 0, 1, 2, 3)]


@pytest.mark.parametrize(("i", "k", "s", "p", "d"), [(512, 3, 1, 0, 1), (6, 3, 2, 1, 1), (7, 3, 1, 0, 2), (5, 4, 1, 2, 1),
                                                     (9, 2, 3, 0, 1), (10, 3, 4, 2, 3)])
def test_torch_size_agrees_with_the_formula(i, k, s, p, d) -> None:
    assert torch_size(i, k, s, p, d) == (i + 2 * p - d * (k - 1) - 1) // s + 1 == cl.conv_output_size(i, k, s, p, d)


def test_torch_size_refuses_a_kernel_that_does_not_fit() -> None:
    with pytest.raises(RuntimeError):
        torch_size(2, 3)


def test_case_label_names_every_letter() -> None:
    assert case_label(7, (6, 3, 1, 2, 1, 3)) == "7. i=6, k=3, p=1, s=2, d=1 → o=3"


def test_the_stepper_keeps_inside_a_laptop_screen() -> None:
    stepper = case_stepper((5, 3, 2, 1, 1, 7))
    assert stepper.image.layout.max_height == f"{STEPPER_MAX_HEIGHT}px" and STEPPER_MAX_HEIGHT <= 440
    assert stepper.image.layout.object_fit == "scale-down" and stepper.image.layout.max_width == "100%"
    assert stepper.image.layout.align_self == "flex-start"   # not stretched (and so scaled up) by the VBox
    assert stepper.data.output_size == (7, 7)


def test_choosing_a_case_builds_its_stepper() -> None:
    explorer = case_explorer(CASES)
    assert list(explorer.menu.options) == [case_label(n, c) for n, c in enumerate(CASES, 1)]
    assert explorer.children == (explorer.menu, explorer.stepper)
    assert explorer.stepper.data.output_size == (2, 2)
    explorer.menu.value = case_label(2, CASES[1])
    assert explorer.stepper.data.output_size == (3, 3) and explorer.children[1] is explorer.stepper
    assert explorer.stepper.data.n_steps == 3 * 3
    first = explorer.stepper.slider.min
    explorer.stepper.slider.value = explorer.stepper.slider.max  # the last step
    assert explorer.stepper.data.output_size == (3, 3)
    explorer.menu.value = case_label(3, CASES[2])
    assert explorer.stepper.data.output_size == (3, 3) and explorer.stepper.slider.value == first


def test_an_empty_menu_is_refused() -> None:
    with pytest.raises(ValueError):
        case_explorer([])
