"""Memory growth of the live labs over 1,000 slider events, and matplotlib figures left open.

Goal (issue 4): resident memory grows by at most 20 MB after warm-up, and no
figure is left open. Run: `make bench` or `python benchmarks/lab_memory.py`.

Driven from a script (no event loop), a lab hands freed memory back after every event.
In a kernel it keeps it while a drag goes on and hands it back a moment after the last
event (``convlab.heap.IDLE_SECONDS``); the second part drives the labs in an asyncio loop, as
a kernel does, and reports memory during that drag and after the idle moment, which must
be back within the same budget.
"""

from __future__ import annotations

import asyncio
import gc
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import psutil  # noqa: E402

import convlab as cl  # noqa: E402
from convlab import heap  # noqa: E402
from convlab.config import PADDING_MODES  # noqa: E402
from convlab.lab import SLIDERS  # noqa: E402

EVENTS, WARM_UP, GROWTH_BUDGET_MB = 1000, 100, 20.0


def drive(labs: list[cl.ConvLab], n: int, rng: random.Random) -> None:
    for _ in range(n):
        lab = rng.choice(labs)
        if lab.padding_mode is not None and rng.random() < 0.1:
            lab.padding_mode.value = rng.choice(PADDING_MODES)
            continue
        name = rng.choice(list(lab.controls))
        spec = SLIDERS[name]
        lab.controls[name].value = rng.randint(spec.low, spec.high)


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


async def drag_in_a_loop(labs: list[cl.ConvLab], rng: random.Random) -> tuple[float, float]:
    """RSS right after the events (memory kept for the drag) and once the labs have been idle."""
    drive(labs, EVENTS, rng)
    during = rss_mb()
    await asyncio.sleep(heap.IDLE_SECONDS + 0.5)
    return during, rss_mb()


def main() -> int:
    rng = random.Random(0)
    labs = [cl.ConvLab(), cl.ConvLab(transposed=True)]
    drive(labs, WARM_UP, rng)
    start = rss_mb()
    drive(labs, EVENTS, rng)
    growth = rss_mb() - start
    figures = len(plt.get_fignums())
    print(f"{EVENTS} slider events after {WARM_UP} warm-up: RSS {start:.0f} MB -> {start + growth:.0f} MB "
          f"(growth {growth:+.1f} MB, budget {GROWTH_BUDGET_MB:.0f} MB); open matplotlib figures: {figures}")
    before = rss_mb()
    during, after = asyncio.run(drag_in_a_loop(labs, rng))
    print(f"{EVENTS} more events in an event loop, as in a kernel: RSS {before:.0f} MB -> {during:.0f} MB during "
          f"the drag, {after:.0f} MB once idle (growth {after - before:+.1f} MB, budget {GROWTH_BUDGET_MB:.0f} MB)")
    ok = growth <= GROWTH_BUDGET_MB and after - before <= GROWTH_BUDGET_MB and figures == 0
    if not ok:
        print("OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
