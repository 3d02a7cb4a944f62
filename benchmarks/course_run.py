"""Time and peak kernel memory of every notebook under nbval, as CI runs them.

Budget (DESIGN.md): the whole course ≤ 90 s on 2 cores; peak kernel memory of any
notebook ≤ 1 GB. Run: `python benchmarks/course_run.py [NOTEBOOK ...]`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
COURSE_BUDGET_S, MEMORY_BUDGET_MB = 90.0, 1024.0


def run_notebook(path: Path) -> tuple[float, float, bool]:
    """(wall seconds, peak RSS in MB of the kernel process, passed) for one notebook under nbval."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    parent, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            kernels = [c for c in parent.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
            peak = max([peak] + [k.memory_info().rss / 2**20 for k in kernels])
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.returncode:
        sys.stdout.write(proc.stdout.read().decode()[-3000:])
    return wall, peak, proc.returncode == 0


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total, worst, ok = 0.0, 0.0, True
    for nb in notebooks:
        wall, peak, passed = run_notebook(nb)
        total, worst, ok = total + wall, max(worst, peak), ok and passed
        print(f"{nb.name:<40} {wall:6.1f} s  peak kernel RSS {peak:6.0f} MB  {'ok' if passed else 'FAILED'}", flush=True)
    print(f"{'whole course':<40} {total:6.1f} s (budget {COURSE_BUDGET_S:.0f} s; includes one pytest start per "
          f"notebook)  worst peak {worst:.0f} MB (budget {MEMORY_BUDGET_MB:.0f} MB)")
    return 0 if ok and total <= COURSE_BUDGET_S and worst <= MEMORY_BUDGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
