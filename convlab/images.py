"""The course's images: lena (fetched and verified by pooch, never shipped) and free stand-ins.

lena is kept the way scikit-image keeps its large data: a :func:`pooch.create` registry
with the file's SHA-256, in a per-user cache (``$CONVLAB_CACHE`` overrides it). A
cached file is checked against the hash before use; one that does not match (cut
short, or substituted) is fetched again, or the stand-in is used. A file the user
drops into ``images/lena.png`` is theirs and is trusted as it is.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from .i18n import _

if TYPE_CHECKING:
    import pooch

MAX_SIDE = 2048
"""Images with a longer side are shrunk to this, so a lab never chokes on a huge photo."""

STAND_IN = "astronaut"


@dataclass(frozen=True)
class Download:
    """Where a remote image comes from and the hash it must have."""

    url: str
    sha256: str
    filename: str


# The seed course's own file (a JPEG despite its name, 96,934 bytes, 512×512 RGB).
LENA = Download(
    url="https://raw.githubusercontent.com/JansonYuan/Pytorch-Camp/"
    "358ce2197e6aaa0e870254f9b38217b87d852575/hello%20pytorch/lesson/lesson-12/lena.png",
    sha256="65d5d416330334d1fefde1ebd319ce0cce0c44c2aed7414875f724d290934c8b",
    filename="lena.png",
)
# Tests point this at a local server; nothing else should change it.
_lena_source: Download = LENA
DOWNLOAD_TIMEOUT_S = 10

RETRY_AFTER_S = 3600
"""After a failed download, new kernels wait this long before trying again (a classroom offline)."""

_SHIPPED = {
    "astronaut": "astronaut.png",
    "camera": "camera.png",
    "brick": "brick.png",
}

_notices_given: set[str] = set()
_failed_downloads: set[str] = set()  # one failed try per process: offline kernels don't retry per cell


def _kernel() -> Any:
    """The running IPython kernel's shell, or None (a script, a test, a terminal IPython)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _notice(key: str, message: str) -> None:
    """Say ``message`` once per process: a small muted line in a notebook, else a line on stderr.

    It is information (a classroom sees it once, not every cell), not an error.
    """
    if key in _notices_given:
        return
    _notices_given.add(key)
    if _kernel() is None:
        print(f"convlab: {message}", file=sys.stderr)
        return
    from IPython.display import HTML, display

    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message))
    display(HTML(f'<div class="convlab-notice" style="color: var(--jp-ui-font-color2, #777); '
                 f'font-size: 0.85em;">convlab: {text}</div>'))


def images_dir() -> Path:
    """The folder of shipped images (``images/`` in a checkout, ``convlab/_images`` in a wheel)."""
    packaged = Path(__file__).parent / "_images"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "images"


def lena_registry() -> pooch.Pooch:
    """The pooch registry of lena: its URL and SHA-256, kept in ``$CONVLAB_CACHE`` or a per-user cache."""
    import pooch

    source = _lena_source
    base_url = source.url.rpartition("/")[0] + "/"
    return pooch.create(
        path=pooch.os_cache("convlab"),
        base_url=base_url,
        env="CONVLAB_CACHE",
        registry={source.filename: f"sha256:{source.sha256}"},
        urls={source.filename: source.url},
        retry_if_failed=0,
    )


def cache_dir() -> Path:
    """Where downloads are kept: ``$CONVLAB_CACHE``, else a per-user cache folder."""
    return Path(lena_registry().abspath)


def available_images() -> list[str]:
    """Names ``load_image`` accepts: ``'lena'`` and the shipped free images."""
    return ["lena", *_SHIPPED]


def local_lena() -> Path:
    """Where a user may drop lena by hand: ``images/lena.png``."""
    return images_dir() / "lena.png"


def where_lena_goes() -> str:
    """Where to put lena by hand (the folders on this machine), for a user who asks."""
    return _("Put the seed course's lena.png at {cache} (checked against its SHA-256), or, in a checkout, "
             "at {local} (used as it is).").format(cache=cache_dir() / _lena_source.filename, local=local_lena())


def _failure_marker(folder: Path) -> Path:
    return folder / f"{_lena_source.filename}.last-failed-download"


def _is_verified(path: Path) -> bool:
    import pooch

    return path.is_file() and pooch.file_hash(str(path), alg="sha256") == _lena_source.sha256


def _download(force: bool = False) -> Path | None:
    """Fetch lena through its pooch registry (downloaded and verified if the cache lacks it); None if that fails.

    A failed try is remembered for this process and, through a marker file in the
    cache, for an hour across kernels, so an offline classroom is not slowed down
    by every notebook trying again. ``force`` ignores both.
    """
    import pooch

    registry = lena_registry()
    source = _lena_source
    marker = _failure_marker(Path(registry.abspath))
    if not force:
        if source.url in _failed_downloads:
            return None
        if marker.is_file() and time.time() - marker.stat().st_mtime < RETRY_AFTER_S:
            _notice("lena-download", _("lena could not be downloaded a moment ago; not trying again for now."))
            return None
    _notice("lena-fetch", _("downloading lena (97 kB, the seed course's own file) ..."))
    downloader = pooch.HTTPDownloader(progressbar=_has_tqdm(), timeout=DOWNLOAD_TIMEOUT_S)
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")  # our notice above replaces pooch's own
    try:
        path = registry.fetch(source.filename, downloader=downloader)
    except ValueError:  # pooch's hash mismatch: the download was discarded, never cached
        _failed_downloads.add(source.url)
        _notice("lena-hash", _("the downloaded lena file failed its SHA-256 check and was discarded."))
        return None
    except Exception as exc:  # no network, DNS failure, HTTP error, read-only cache...
        _failed_downloads.add(source.url)
        _notice("lena-download", _("could not download lena ({error}).").format(error=type(exc).__name__))
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass
        return None
    finally:
        logger.setLevel(level)
    marker.unlink(missing_ok=True)
    return Path(path)


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def lena_path(download: bool = True, force: bool = False) -> Path | None:
    """The lena file: ``images/lena.png``, else the verified cache, else a verified download; None if none.

    A cached file whose SHA-256 does not match is not used: it is fetched again
    (unless ``download`` is False or ``$CONVLAB_OFFLINE`` is set).
    """
    local = local_lena()
    if local.is_file():
        return local
    cached = cache_dir() / _lena_source.filename
    if _is_verified(cached):
        return cached
    if cached.is_file():
        _notice("lena-cache-hash", _("the cached lena file failed its SHA-256 check, so it is not used."))
    if not download or os.environ.get("CONVLAB_OFFLINE"):
        return None
    return _download(force=force)


def image_path(name_or_path: str | os.PathLike) -> Path:
    """The file `load_image` would read for this name or path (lena offline: the stand-in)."""
    name = str(name_or_path)
    if name == "lena":
        path = lena_path()
        if path is not None:
            return path
        _notice("lena-stand-in", _(
            "lena is not available offline, so the course uses the public-domain '{stand_in}' image instead "
            "(same 512×512 RGB size, so every shape is the same). To use lena, run "
            "`python -m convlab.fetch_lena` once while online, or put the seed course's lena.png where "
            "`convlab.images.where_lena_goes()` says."
        ).format(stand_in=STAND_IN))
        return images_dir() / _SHIPPED[STAND_IN]
    if name in _SHIPPED:
        return images_dir() / _SHIPPED[name]
    path = Path(name).expanduser()
    if not path.exists():
        raise FileNotFoundError(_("No image named {name!r}: it is neither a file nor one of {names}.").format(
            name=name, names=available_images()))
    if not path.is_file():
        raise IsADirectoryError(_("{path} is a folder, not an image file.").format(path=path))
    return path


def _to_rgb_array(im: Image.Image) -> np.ndarray:
    """An (H, W, 3) float32 array in [0, 1] from any PIL mode (gray, RGBA, palette, 16-bit)."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(im, dtype=np.float32)
        arr = arr / 65535.0 if arr.max(initial=0) > 255 or im.mode.startswith("I;16") else arr / 255.0
        return np.repeat(np.clip(arr, 0, 1)[..., None], 3, axis=2)
    if im.mode == "F":
        arr = np.asarray(im, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
        return np.repeat(arr[..., None], 3, axis=2)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0


def load_image(name_or_path: str | os.PathLike = "lena", max_side: int = MAX_SIDE) -> torch.Tensor:
    """Load an image as a float32 tensor of shape (1, 3, H, W) with values in [0, 1].

    ``name_or_path`` is one of :func:`available_images` or a file path. ``"lena"``
    is looked for in ``images/lena.png``, then in the cache (``$CONVLAB_CACHE``),
    then downloaded and SHA-256-verified; offline it falls back to the public-domain
    astronaut image, which has the same size, and says so once. Any image mode
    loads as 3 channels; an image whose longer side exceeds ``max_side`` is shrunk.
    For an 8-bit RGB file the result equals ``transforms.ToTensor()(img).unsqueeze(0)``.
    """
    path = image_path(name_or_path)
    try:
        with Image.open(path) as im:
            im.load()
            if max(im.size) > max_side:
                old = im.size
                im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                _notice(f"resize-{path}", _(
                    "{name} is {w}×{h} pixels; shrunk to {new_w}×{new_h} (max_side={max_side}) to keep the "
                    "labs fast."
                ).format(name=path.name, w=old[0], h=old[1], new_w=im.size[0], new_h=im.size[1], max_side=max_side))
            arr = _to_rgb_array(im)
    except UnidentifiedImageError as exc:
        raise ValueError(_("{path} is not an image file that can be read.").format(path=path)) from exc
    except OSError as exc:
        raise ValueError(_("{path} could not be read as an image: {error} (is the file truncated?)").format(
            path=path, error=exc)) from exc
    # What torchvision's ToTensor does (a test checks it is the same), without importing
    # torchvision: that costs every notebook about 2 s and 165 MB.
    return torch.from_numpy(arr).permute(2, 0, 1).unsqueeze(0).contiguous()


def to_display(tensor: torch.Tensor, per_map: bool = True, clip: float | None = None) -> torch.Tensor:
    """Scale feature maps to uint8 [0, 255] for display, min-max per map.

    Accepts (H, W), (C, H, W) or (N, C, H, W) and returns a uint8 tensor of the same
    shape. Each H×W map is stretched from its own min to its own max (negative values
    included, never wrapped around as a plain ``.byte()`` cast would); a constant map
    becomes mid-grey. ``per_map=False`` stretches the whole tensor jointly (keeps an
    RGB image's colours). ``clip=1`` stretches from the 1st to the 99th percentile
    instead (values beyond become black or white), so a few outliers don't wash the
    map out.
    """
    if tensor.dim() < 2:
        raise ValueError(_("to_display needs at least a 2-d map (H, W); got shape {shape}.").format(
            shape=tuple(tensor.shape)))
    if clip is not None and not 0 <= clip < 50:
        raise ValueError(_("clip={clip!r} must be a percentile in [0, 50), e.g. 1 for the 1st to 99th.").format(
            clip=clip))
    # NumPy, not torch: for the small maps a screen shows, torch's per-op thread overhead dominates.
    a = tensor.detach().cpu().to(torch.float32).contiguous().numpy()
    flat = a.reshape(-1, a.shape[-2] * a.shape[-1]) if per_map else a.reshape(1, -1)
    if clip:
        lo, hi = np.percentile(flat, [clip, 100 - clip], axis=1, keepdims=True).astype(np.float32)
        flat = np.clip(flat, lo, hi)
    lo = flat.min(axis=1, keepdims=True)
    span = flat.max(axis=1, keepdims=True) - lo
    scale = np.divide(255.0, span, out=np.zeros_like(span), where=span > 0)
    out = np.where(span > 0, (flat - lo) * scale, 127.5)
    return torch.from_numpy(np.rint(out).clip(0, 255).astype(np.uint8).reshape(a.shape))
