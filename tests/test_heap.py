"""convlab.heap: freed memory is kept during a drag (a running event loop) and handed back once idle."""

from __future__ import annotations

import asyncio

import pytest

from convlab import heap

pytestmark = pytest.mark.skipif(heap._libc() is None, reason="glibc only: elsewhere convlab.heap does nothing")


def test_without_an_event_loop_the_heap_is_trimmed_after_every_update() -> None:
    with heap.reuse_freed_memory():
        pass
    assert not heap.trim_pending()


def test_in_an_event_loop_the_trim_waits_for_an_idle_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "IDLE_SECONDS", 0.05)
    trims: list[float] = []
    real_trim = heap.trim_now
    monkeypatch.setattr(heap, "trim_now", lambda: (trims.append(1.0), real_trim()))

    async def drag() -> tuple[bool, int, bool]:
        for _ in range(3):  # three slider events in quick succession: one pending trim, none done
            with heap.reuse_freed_memory():
                pass
        pending, done = heap.trim_pending(), len(trims)
        await asyncio.sleep(0.2)
        return pending, done, heap.trim_pending()

    pending, done_during_drag, pending_after = asyncio.run(drag())
    assert pending and done_during_drag == 0
    assert trims == [1.0] and not pending_after


def test_a_drag_holding_too_much_is_trimmed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past DRAG_EXTRA above the memory at rest, an update trims the heap itself, not only once idle."""
    calls: list[str] = []

    class FakeLibc:
        def mallopt(self, option: int, value: int) -> int:
            return 1

        def malloc_trim(self, pad: object) -> int:
            calls.append("trim")
            return 1

    resident = iter([100, 100 + heap.DRAG_EXTRA // 2, 100 + 2 * heap.DRAG_EXTRA, 100 + 3 * heap.DRAG_EXTRA])
    monkeypatch.setattr(heap, "_libc", lambda: FakeLibc())
    monkeypatch.setattr(heap, "_resident_bytes", lambda: next(resident))

    async def drag() -> list[str]:
        for _ in range(3):  # rest 100; then +DRAG_EXTRA/2 (kept), +2×, +3× (each trimmed at once)
            with heap.reuse_freed_memory():
                pass
        during = list(calls)
        heap.trim_now()
        return during

    assert asyncio.run(drag()) == ["trim", "trim"]
    assert calls == ["trim", "trim", "trim"]


def test_the_lab_still_gives_the_same_output_inside_an_event_loop() -> None:
    import torch

    import convlab as cl

    async def run() -> torch.Tensor:
        lab = cl.ConvLab(transposed=True)
        lab.controls["dilation"].value = 3
        assert lab.result is not None
        return lab.result.clone()

    result = asyncio.run(run())
    cfg = cl.LayerConfig(3, 1, 3, stride=2, dilation=3, transposed=True)
    image = cl.load_image("lena")
    with torch.no_grad():
        torch.testing.assert_close(result, cfg.build(2)(image), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("given", "expected"), [(None, str(heap.ONEDNN_CACHE)), ("7", "7")])
def test_importing_convlab_limits_onednns_cache_unless_the_user_chose(given: str | None, expected: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ONEDNN_PRIMITIVE_CACHE_CAPACITY"}
    if given is not None:
        env["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] = given
    code = "import os, convlab; print(os.environ['ONEDNN_PRIMITIVE_CACHE_CAPACITY'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
