"""How the labs ask glibc's malloc to handle the large, short-lived tensors of a slider event.

A slider event allocates and frees several tensors of 1–32 MB (the output, each
convolution's result, padded inputs). Two defaults of glibc pull in opposite ways:

- Memory. glibc raises its mmap threshold after such frees and then keeps later ones in
  its heap, so a kernel's memory creeps up by tens of MB over a lesson.
  :func:`return_freed_memory` fixes the threshold at 1 MiB: every large block is its own
  mapping, handed back to the system when freed.
- Speed. A fresh mapping costs a page fault per 4 kB page on first touch; on a small
  virtual machine that is 8 ms for a 30 MB output, and a transposed layer with 9
  sub-pixel convolutions pays it for every one of them.

:func:`reuse_freed_memory` gets both: during updates, large blocks come from the heap, so
a block freed by one convolution is reused by the next, and by the next slider event of
a drag, without new page faults; a quarter second after the last update, the free heap beyond a
small pad goes back to the system and the 1 MiB threshold returns. A long drag's heap
fragments, so once the process holds :data:`DRAG_EXTRA` more than at rest, it is trimmed
at once. Measured with ``benchmarks/lab_response.py`` and ``benchmarks/lab_memory.py``
(``make bench``). The glibc settings are a no-op elsewhere.

:func:`limit_onednn_cache` bounds the other thing a kernel keeps per layer shape:
oneDNN's compiled convolutions.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import os
import sys
from collections.abc import Iterator

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_MIB = 1 << 20
MMAP_THRESHOLD = 1 * _MIB
"""Outside an update: blocks this large or larger are mappings of their own."""
UPDATE_THRESHOLD = 64 * _MIB
"""During an update: larger than any block a lab allocates (its output budget is 32 MB)."""
UPDATE_TRIM_THRESHOLD = 32 * _MIB
"""During a drag: free heap at the top kept for the next event (about one large output)."""
TRIM_THRESHOLD = 128 * 1024
"""glibc's own default: free heap above this at the top is handed back at once."""
KEEP_AFTER_UPDATE = 8 * _MIB
"""Free heap kept after an update, for the next one's first blocks."""


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 (musl and others have no mallopt)
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


ONEDNN_CACHE = 64
"""Compiled convolutions oneDNN keeps (its default is 1024). A lab makes a new layer shape at
almost every slider step and each compiled one stays cached, so a kernel grew by ~8 MB per
1000 steps until 1024 of them were kept; 64 still holds every shape of a drag back and forth."""


def limit_onednn_cache() -> None:
    """Ask oneDNN to keep :data:`ONEDNN_CACHE` compiled convolutions, unless the user chose a number.

    oneDNN reads ``ONEDNN_PRIMITIVE_CACHE_CAPACITY`` when it compiles its first convolution, so
    this works when convlab is imported before any convolution runs (as every lesson does).
    """
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_CACHE))


def return_freed_memory() -> None:
    """Fix glibc's mmap threshold at 1 MiB, so freed large blocks go back to the system at once."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


@contextlib.contextmanager
def reuse_freed_memory() -> Iterator[None]:
    """Within the block, large allocations reuse freed heap; once idle, the heap is trimmed.

    "Idle" is :data:`IDLE_SECONDS` without another such block, measured on the running
    asyncio loop (a kernel's, where a slider event runs). Where no loop runs (a script),
    the heap is trimmed at once, after every block.
    """
    libc = _libc()
    if libc is None:
        yield
        return
    global _rest_rss
    if _pending is None:  # the first update after a rest: how much the process holds at rest
        _rest_rss = _resident_bytes()
    libc.mallopt(_M_MMAP_THRESHOLD, UPDATE_THRESHOLD)
    libc.mallopt(_M_TRIM_THRESHOLD, UPDATE_TRIM_THRESHOLD)
    try:
        yield
    finally:
        if _resident_bytes() - _rest_rss > DRAG_EXTRA:
            libc.malloc_trim(ctypes.c_size_t(KEEP_AFTER_UPDATE))  # a long drag's heap, fragmented: cap it
        _trim_when_idle()


DRAG_EXTRA = 160 * _MIB
"""The most a drag may hold beyond the process's memory at rest before the heap is trimmed anyway."""

_rest_rss = 0


def _resident_bytes() -> int:
    """This process's resident memory (Linux's /proc/self/statm; 0 where that is missing)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


IDLE_SECONDS = 0.25
"""A drag sends slider events back to back (the front end sends the next value as soon as the
kernel is done with the last); a quarter second without one ends it. Clicks at a human pace
(~2 a second, as in ``benchmarks/classroom.py``) hand the memory back in between, so a class's
kernels hold no more memory than before."""

_pending: asyncio.TimerHandle | None = None


def trim_now() -> None:
    """Restore the 1 MiB threshold and hand the free heap back to the system (what an idle moment does)."""
    global _pending
    if _pending is not None:
        _pending.cancel()  # called directly (not by the timer): no second trim later
    _pending = None
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        libc.malloc_trim(ctypes.c_size_t(KEEP_AFTER_UPDATE))


def _trim_when_idle() -> None:
    global _pending
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        trim_now()
        return
    if _pending is not None:
        _pending.cancel()
    _pending = loop.call_later(IDLE_SECONDS, trim_now)


def trim_pending() -> bool:
    """Whether a trim is scheduled (a lab was used less than :data:`IDLE_SECONDS` ago)."""
    return _pending is not None
