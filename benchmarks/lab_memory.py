"""Memory growth of the live labs over 1,000 slider events, and matplotlib figures left open.

Goal (issue 4): resident memory grows by at most 20 MB after warm-up, and no
figure is left open. Run: `make bench` or `python benchmarks/lab_memory.py`.
"""

from __future__ import annotations

import gc
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import psutil  # noqa: E402

import convlab as cl  # noqa: E402
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
    ok = growth <= GROWTH_BUDGET_MB and figures == 0
    if not ok:
        print("OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
