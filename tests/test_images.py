"""load_image, the lena policy (cache, verified download, stand-in), and to_display."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import LocalServer
from PIL import Image

import convlab as cl
import convlab.images as images
from convlab import fetch_lena


@pytest.fixture
def no_user_lena(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pretend nobody dropped lena into images/ (a developer may have)."""
    monkeypatch.setattr(images, "local_lena", lambda: tmp_path / "no-lena-here.png")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def point_lena_at(monkeypatch: pytest.MonkeyPatch, url: str, sha: str) -> None:
    monkeypatch.setattr(images, "_lena_source", images.Download(url=url, sha256=sha, filename="lena.png"))


def picture(seed: int) -> Image.Image:
    """A 512×512 RGB picture made here (smooth, so its PNG is small), different for each seed."""
    y, x = np.mgrid[0:512, 0:512].astype(np.float32) / 511
    rng = np.random.default_rng(seed)
    a, b, c = rng.uniform(1, 6, 3)
    rgb = np.stack([np.sin(a * x + b * y), np.cos(b * x * y + c), np.sin(c * (x - y))], axis=-1)
    return Image.fromarray(((rgb + 1) * 127.5).astype(np.uint8))


@pytest.fixture
def served_lena(tmp_path: Path) -> Path:
    """The test's own "lena": a picture generated here, to be served and verified by its own SHA-256."""
    folder = tmp_path / "served"
    folder.mkdir()
    path = folder / "lena.png"
    picture(0).save(path)
    return path


@pytest.fixture
def lena_server(monkeypatch: pytest.MonkeyPatch, served_lena: Path) -> Iterator[LocalServer]:
    """A local HTTP server (127.0.0.1) with that picture; convlab's lena points at it, with its hash."""
    server = LocalServer(served_lena.parent)
    point_lena_at(monkeypatch, server.url("lena.png"), sha256(served_lena))
    try:
        yield server
    finally:
        server.stop()


# -- shipped images -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["astronaut", "camera", "brick"])
def test_shipped_images_load_as_float_rgb(name: str) -> None:
    x = cl.load_image(name)
    assert x.shape == (1, 3, 512, 512)
    assert x.dtype == torch.float32
    assert 0.0 <= x.min().item() and x.max().item() <= 1.0
    assert x.std().item() > 0.05, "an image, not a flat field"


def test_load_image_equals_torchvisions_to_tensor() -> None:
    from torchvision import transforms

    with Image.open(images.image_path("astronaut")) as im:
        expected = transforms.ToTensor()(im.convert("RGB")).unsqueeze(0)
    assert torch.equal(cl.load_image("astronaut"), expected)


def test_gray_images_have_three_equal_channels() -> None:
    x = cl.load_image("camera")
    assert torch.equal(x[:, 0], x[:, 1]) and torch.equal(x[:, 1], x[:, 2])


def test_available_images_names_lena_and_each_shipped_file() -> None:
    names = cl.available_images()
    assert names[0] == "lena"
    for name in names[1:]:
        assert (images.images_dir() / f"{name}.png").is_file()
    assert (images.images_dir() / "CREDITS.md").read_text().count(".png") >= len(names) - 1


def test_the_stand_in_has_lenas_shape() -> None:
    """lena is 512×512 RGB (the registry's hash pins that very file); so is the stand-in."""
    assert cl.load_image(images.STAND_IN).shape == (1, 3, 512, 512)
    assert images.LENA.sha256 == "65d5d416330334d1fefde1ebd319ce0cce0c44c2aed7414875f724d290934c8b"


# -- files of every kind ------------------------------------------------------------------------

def save(tmp_path: Path, im: Image.Image, name: str = "x.png") -> Path:
    path = tmp_path / name
    im.save(path)
    return path


def test_grayscale_file_loads_as_three_channels(tmp_path: Path) -> None:
    arr = np.arange(64, dtype=np.uint8).reshape(8, 8) * 4
    x = cl.load_image(save(tmp_path, Image.fromarray(arr, mode="L")))
    assert x.shape == (1, 3, 8, 8)
    assert torch.allclose(x[0, 2], torch.from_numpy(arr).float() / 255)


def test_rgba_file_is_composited_on_white(tmp_path: Path) -> None:
    arr = np.zeros((4, 4, 4), dtype=np.uint8)
    arr[..., 0] = 255  # red ...
    arr[0, 0, 3] = 0  # ... transparent in one corner
    arr[1:, :, 3] = 255
    arr[0, 1:, 3] = 255
    x = cl.load_image(save(tmp_path, Image.fromarray(arr, mode="RGBA")))
    assert x.shape == (1, 3, 4, 4)
    assert x[0, :, 0, 0].tolist() == [1.0, 1.0, 1.0]
    assert x[0, :, 1, 1].tolist() == [1.0, 0.0, 0.0]


def test_palette_file_loads_its_colours(tmp_path: Path) -> None:
    im = Image.new("P", (3, 2))
    im.putpalette([0, 0, 0, 0, 255, 0] + [0] * 762)
    im.putpixel((1, 0), 1)
    x = cl.load_image(save(tmp_path, im))
    assert x[0, :, 0, 1].tolist() == [0.0, 1.0, 0.0]
    assert x[0, :, 0, 0].tolist() == [0.0, 0.0, 0.0]


def test_sixteen_bit_file_uses_its_full_range(tmp_path: Path) -> None:
    arr = np.array([[0, 32768, 65535]], dtype=np.uint16)
    path = save(tmp_path, Image.fromarray(arr))
    assert Image.open(path).mode.startswith("I")
    x = cl.load_image(path)
    assert x.shape == (1, 3, 1, 3)
    assert x[0, 0, 0].tolist() == pytest.approx([0.0, 32768 / 65535, 1.0], abs=1e-6)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.png"):
        cl.load_image(tmp_path / "nowhere.png")


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(FileNotFoundError, match="astronaut"):
        cl.load_image("no-such-picture")


def test_a_folder_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match=str(tmp_path)):
        cl.load_image(tmp_path)


def test_text_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(ValueError, match=r"notes\.png.*not an image"):
        cl.load_image(path)


def test_truncated_file_is_refused_by_name(tmp_path: Path) -> None:
    whole = save(tmp_path, Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)))
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ValueError, match=r"cut\.png.*truncated"):
        cl.load_image(cut)


def test_large_image_is_shrunk_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save(tmp_path, Image.new("RGB", (600, 300), (10, 20, 30)), "wide.png")
    x = cl.load_image(path, max_side=256)
    assert x.shape == (1, 3, 128, 256)
    err = capsys.readouterr().err
    assert "wide.png is 600×300" in err and "256×128" in err
    cl.load_image(path, max_side=256)
    assert capsys.readouterr().err == "", "the notice is given once"


# -- lena: user copy, cache, verified download, stand-in ------------------------------------------

def test_a_lena_dropped_into_images_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dropped = save(tmp_path, Image.new("RGB", (20, 10), (255, 0, 0)), "lena.png")
    monkeypatch.setattr(images, "local_lena", lambda: dropped)
    point_lena_at(monkeypatch, "http://127.0.0.1:9/never-asked", "0" * 64)
    x = cl.load_image("lena")
    assert x.shape == (1, 3, 10, 20) and x[0, 0].min().item() == 1.0, "trusted as it is: no hash to match"


@pytest.mark.usefixtures("no_user_lena")
def test_lena_downloads_verifies_and_then_uses_the_cache(
    lena_server: LocalServer, served_lena: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = cl.load_image("lena")
    assert lena_server.requests == 1
    cached = images.cache_dir() / "lena.png"
    assert sha256(cached) == sha256(served_lena)
    assert first.shape == (1, 3, 512, 512)
    assert torch.equal(first, cl.load_image(served_lena))
    assert not torch.equal(first, cl.load_image(images.STAND_IN))

    lena_server.stop()  # the second call must not need the network
    second = cl.load_image("lena")
    assert torch.equal(first, second)
    assert lena_server.requests == 1
    err = capsys.readouterr().err
    assert "downloading lena" in err
    assert "could not" not in err and "instead" not in err
    assert str(images.cache_dir()) not in err, "no machine paths unless asked"


@pytest.mark.usefixtures("no_user_lena")
def test_a_download_with_the_wrong_hash_is_refused_and_not_cached(
    monkeypatch: pytest.MonkeyPatch, lena_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    point_lena_at(monkeypatch, lena_server.url("lena.png"), "0" * 64)
    x = cl.load_image("lena")
    assert lena_server.requests == 1
    assert list(images.cache_dir().iterdir()) == [], "nothing of the bad file stays in the cache"
    assert torch.equal(x, cl.load_image(images.STAND_IN))
    err = capsys.readouterr().err
    assert "SHA-256" in err and "astronaut" in err


@pytest.mark.usefixtures("no_user_lena")
@pytest.mark.parametrize("damage", ["cut short", "substituted"])
def test_a_cached_file_that_fails_its_hash_is_fetched_again(
    lena_server: LocalServer, served_lena: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cached = images.cache_dir() / "lena.png"
    cached.parent.mkdir(parents=True, exist_ok=True)
    if damage == "cut short":
        cached.write_bytes(served_lena.read_bytes()[:5000])
    else:
        picture(1).save(cached)  # a whole, readable picture, but not lena
    x = cl.load_image("lena")
    assert lena_server.requests == 1
    assert sha256(cached) == sha256(served_lena)
    assert torch.equal(x, cl.load_image(served_lena))
    assert "failed its SHA-256 check" in capsys.readouterr().err


@pytest.mark.usefixtures("no_user_lena")
def test_offline_a_cached_file_that_fails_its_hash_gives_the_stand_in(
    monkeypatch: pytest.MonkeyPatch, lena_server: LocalServer
) -> None:
    monkeypatch.setenv("CONVLAB_OFFLINE", "1")
    cached = images.cache_dir() / "lena.png"
    cached.parent.mkdir(parents=True, exist_ok=True)
    picture(1).save(cached)
    assert images.lena_path() is None
    assert torch.equal(cl.load_image("lena"), cl.load_image(images.STAND_IN))
    assert lena_server.requests == 0


@pytest.mark.usefixtures("no_user_lena")
def test_no_network_falls_back_to_the_stand_in_once(
    lena_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    lena_server.stop()  # nothing listens on that port any more
    x = cl.load_image("lena")
    assert torch.equal(x, cl.load_image(images.STAND_IN))
    err = capsys.readouterr().err
    assert "could not download lena" in err
    assert "astronaut" in err and "python -m convlab.fetch_lena" in err and "lena.png" in err
    assert str(images.cache_dir()) not in err and str(images.local_lena()) not in err, "no machine paths"
    cl.load_image("lena")
    assert capsys.readouterr().err == "", "said once, plainly, not on every call"
    assert str(images.cache_dir()) in images.where_lena_goes(), "... unless asked"


@pytest.mark.usefixtures("no_user_lena")
def test_a_failed_download_is_not_retried_by_every_new_kernel(
    monkeypatch: pytest.MonkeyPatch, lena_server: LocalServer, served_lena: Path
) -> None:
    url = lena_server.url("lena.png")
    point_lena_at(monkeypatch, "http://127.0.0.1:9/lena.png", sha256(served_lena))  # nothing listens there
    cl.load_image("lena")
    assert list(images.cache_dir().glob("*.last-failed-download"))
    monkeypatch.setattr(images, "_failed_downloads", set())  # as in a fresh kernel
    point_lena_at(monkeypatch, url, sha256(served_lena))
    assert torch.equal(cl.load_image("lena"), cl.load_image(images.STAND_IN))
    assert lena_server.requests == 0, "the marker from the failed try holds new kernels back"
    assert images.lena_path(force=True) == images.cache_dir() / "lena.png"  # fetch_lena tries anyway
    assert lena_server.requests == 1
    assert not list(images.cache_dir().glob("*.last-failed-download")), "success clears the marker"


@pytest.mark.usefixtures("no_user_lena")
def test_offline_switch_skips_the_download(monkeypatch: pytest.MonkeyPatch, lena_server: LocalServer) -> None:
    monkeypatch.setenv("CONVLAB_OFFLINE", "1")
    assert torch.equal(cl.load_image("lena"), cl.load_image(images.STAND_IN))
    assert lena_server.requests == 0


@pytest.mark.usefixtures("no_user_lena")
def test_fetch_lena_reports_where_it_is_or_where_to_put_it(
    monkeypatch: pytest.MonkeyPatch, lena_server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lena_server.stop()
    assert fetch_lena.main() == 1
    out = capsys.readouterr().out
    assert "Could not get lena" in out and str(images.cache_dir()) in out, "asked: it names the folders"
    empty = tmp_path / "empty"
    empty.mkdir()
    server = LocalServer(empty)  # answers 404
    try:
        point_lena_at(monkeypatch, server.url("lena.png"), images._lena_source.sha256)
        assert fetch_lena.main() == 1
    finally:
        server.stop()


@pytest.mark.usefixtures("no_user_lena")
def test_fetch_lena_downloads_even_after_a_failed_try(
    lena_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    images._failed_downloads.add(images._lena_source.url)
    assert fetch_lena.main() == 0
    assert str(images.cache_dir() / "lena.png") in capsys.readouterr().out
    assert lena_server.requests == 1


def test_in_a_notebook_a_notice_is_a_small_muted_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(images, "_kernel", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    images._notice("test", "run `python -m convlab.fetch_lena` <once>")
    images._notice("test", "run `python -m convlab.fetch_lena` <once>")
    assert len(shown) == 1 and capsys.readouterr().err == ""
    html = shown[0].data
    assert "convlab-notice" in html and "font-size: 0.85em" in html
    assert "<code>python -m convlab.fetch_lena</code>" in html and "&lt;once&gt;" in html


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONVLAB_CACHE", str(tmp_path / "mine"))
    assert images.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("CONVLAB_CACHE")
    assert images.cache_dir().name == "convlab"


# -- to_display ---------------------------------------------------------------------------------

def test_to_display_scales_negative_values_instead_of_wrapping() -> None:
    fmap = torch.tensor([[-1.0, 0.0], [0.5, 1.0]])
    shown = cl.to_display(fmap)
    assert shown.dtype == torch.uint8
    assert shown.tolist() == [[0, 128], [191, 255]]
    wrapped = (fmap * 255).to(torch.uint8)  # what the seed's helper did
    assert wrapped[0, 0].item() != 0


def test_to_display_scales_each_map_on_its_own() -> None:
    maps = torch.stack([torch.linspace(0, 1, 16), torch.linspace(-100, -50, 16)]).reshape(1, 2, 4, 4)
    shown = cl.to_display(maps)
    assert shown.shape == maps.shape
    for m in shown[0]:
        assert m.min().item() == 0 and m.max().item() == 255


def test_to_display_jointly_keeps_relative_levels() -> None:
    maps = torch.tensor([[[0.0, 1.0]], [[0.0, 0.5]]])
    assert cl.to_display(maps, per_map=False)[1].tolist() == [[0, 128]]


def test_to_display_of_a_constant_map_is_mid_grey() -> None:
    assert set(cl.to_display(torch.full((3, 3), 7.0)).flatten().tolist()) == {128}


def test_to_display_refuses_a_vector() -> None:
    with pytest.raises(ValueError, match="2-d"):
        cl.to_display(torch.zeros(5))


def test_to_display_clip_keeps_outliers_from_washing_a_map_out() -> None:
    import convlab as cl

    x = torch.linspace(0, 1, 10_000).reshape(100, 100)
    x[0, 0] = 1000.0  # one outlier
    plain, clipped = cl.to_display(x), cl.to_display(x, clip=1)
    assert plain[:, 50].float().std() < 2  # min-max: everything but the outlier is near black
    assert clipped[:, 50].float().std() > 20  # percentiles: the ramp is visible again
    assert clipped[0, 0] == 255 and clipped.min() == 0
    with pytest.raises(ValueError, match="clip"):
        cl.to_display(x, clip=60)
