"""show_images draws what it is given, colour or gray, at the scale asked for."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import convlab as cl  # noqa: E402
from convlab.gallery import display_array, show_images, show_numbers, write_numbers  # noqa: E402


def test_colour_image_keeps_its_channels_and_order():
    x = torch.zeros(1, 3, 4, 5)
    x[0, 0] = 1.0  # pure red
    x[0, 2, 0, 0] = 0.5
    arr = display_array(x)
    assert arr.shape == (4, 5, 3) and arr.dtype == np.uint8
    assert arr[1, 1].tolist() == [255, 0, 0]
    assert arr[0, 0, 2] == 128  # jointly stretched: 0.5 of the range


def test_feature_map_shows_channel_zero_stretched():
    x = torch.stack([torch.linspace(-3, 1, 20).reshape(4, 5), torch.ones(4, 5)]).unsqueeze(0)
    arr = display_array(x)
    assert arr.shape == (4, 5)
    assert arr.min() == 0 and arr.max() == 255  # negatives stretched, never wrapped


def test_one_axes_per_picture_with_titles():
    fig = show_images([torch.rand(1, 3, 8, 8), torch.rand(1, 1, 6, 6)], ["in", "out"])
    assert [a.get_title() for a in fig.axes] == ["in", "out"]
    plt.close(fig)


def test_true_scale_gives_every_axes_the_largest_extent():
    fig = show_images([torch.rand(1, 3, 16, 20), torch.rand(1, 1, 8, 10)], ["a", "b"], true_scale=True)
    for ax in fig.axes:
        assert ax.get_xlim() == (-0.5, 19.5) and ax.get_ylim() == (15.5, -0.5)
    small = fig.axes[1].images[0].get_array()
    assert small.shape == (8, 10)
    plt.close(fig)


def test_matches_convlab_to_display():
    x = torch.randn(1, 2, 7, 9)
    assert np.array_equal(display_array(x), cl.to_display(x[0, 0]).numpy())
    rgb = torch.rand(1, 3, 7, 9)
    assert np.array_equal(display_array(rgb), cl.to_display(rgb[0], per_map=False).permute(1, 2, 0).numpy())


def test_constant_map_is_mid_grey():
    assert (display_array(torch.full((1, 1, 3, 3), 7.0)) == 128).all()


def test_mismatched_titles_and_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        show_images([torch.rand(1, 1, 4, 4)], ["a", "b"])
    with pytest.raises(ValueError):
        display_array(torch.rand(4, 4))


def test_big_pictures_are_shrunk_for_display_but_keep_their_extent():
    fig = show_images([torch.rand(1, 3, 512, 512), torch.rand(1, 1, 100, 100)], ["big", "small"], max_pixels=128)
    big, small = (ax.images[0] for ax in fig.axes)
    assert big.get_array().shape[:2] == (128, 128)
    assert big.get_extent() == [-0.5, 511.5, 511.5, -0.5]
    assert small.get_array().shape == (100, 100)
    plt.close(fig)


def test_show_numbers_writes_every_value_on_its_cell() -> None:
    m = torch.arange(6.0).view(2, 3)
    fig, ax = plt.subplots()
    try:
        show_numbers(ax, m, "m")
        texts = {(t.get_position(), t.get_text()) for t in ax.texts}
        assert texts == {((c, r), f"{m[r, c].item():g}") for r in range(2) for c in range(3)}
        assert ax.get_title() == "m" and list(ax.get_xticks()) == []
    finally:
        plt.close(fig)


def test_write_numbers_refuses_a_vector() -> None:
    with pytest.raises(ValueError, match="2-d"):
        write_numbers(None, torch.zeros(3))


def test_clip_keeps_an_outlier_from_washing_a_feature_map_out() -> None:
    fmap = torch.linspace(0, 1, 64 * 64).reshape(1, 1, 64, 64)
    fmap[0, 0, 0, 0] = 100.0
    plain, clipped = display_array(fmap), display_array(fmap, clip=1)
    assert plain[:, 32].std() < 2 and clipped[:, 32].std() > 20  # the ramp runs down the rows
    fig = show_images([fmap], ["clipped"], clip=1)
    assert (fig.axes[0].images[0].get_array() == clipped).all()


def test_a_row_of_five_pictures_stays_readable() -> None:
    """Five pictures fit the notebook column (≤ ROW_WIDTH inches), so a notebook never shrinks the titles
    below their point size; a title longer than its picture wraps instead of running into the next."""
    from convlab import gallery

    long = "kernel_size=(25, 1) with padding_mode='reflect' → 488×512"
    fig = show_images([torch.rand(1, 3, 64, 64)] * 5, ["a", "b", "c", "d", long])
    width, _height = fig.get_size_inches()
    assert width <= gallery.ROW_WIDTH + 1e-9
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:4] == ["a", "b", "c", "d"] and "\n" in titles[4] and titles[4].replace("\n", " ") == long
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    assert boxes[4].x0 >= boxes[3].x1, "the long title runs into its neighbour's"
    assert all(ax.title.get_fontsize() == gallery.TITLE_PT for ax in fig.axes)
