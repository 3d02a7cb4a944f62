"""Time and peak kernel memory of every notebook under nbval, run as CI runs them (one pytest).

Budget (DESIGN.md): the whole course ≤ 90 s on 2 cores; peak kernel memory of any
notebook ≤ 1 GB. Run: `python benchmarks/course_run.py`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
COURSE_BUDGET_S, MEMORY_BUDGET_MB = 90.0, 1024.0


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    report = Path(tempfile.mkdtemp()) / "nbval.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
           *map(str, notebooks)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    parent, peaks = psutil.Process(proc.pid), {}  # kernel pid -> peak RSS MB, in start order
    while proc.poll() is None:
        try:
            for child in parent.children(recursive=True):
                if "ipykernel" in " ".join(child.cmdline()):
                    peaks[child.pid] = max(peaks.get(child.pid, 0.0), child.memory_info().rss / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    output = proc.stdout.read().decode()

    per_notebook: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).iter("testcase"):
        notebook = case.get("classname", "").removesuffix(".ipynb").split(".")[-1]  # notebooks.NAME.ipynb
        per_notebook[notebook] += float(case.get("time", 0))
    for i, nb in enumerate(notebooks):
        peak = list(peaks.values())[i] if i < len(peaks) else float("nan")
        print(f"{nb.name:<40} {per_notebook.get(nb.stem, 0.0):6.1f} s in cells  peak kernel RSS {peak:6.0f} MB")
    worst = max(peaks.values(), default=0.0)
    print(f"{'whole course (one pytest run, wall)':<40} {wall:6.1f} s (budget {COURSE_BUDGET_S:.0f} s)  "
          f"worst peak {worst:.0f} MB (budget {MEMORY_BUDGET_MB:.0f} MB)")
    print(output.strip().splitlines()[-1])
    return 0 if proc.returncode == 0 and wall <= COURSE_BUDGET_S and worst <= MEMORY_BUDGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
