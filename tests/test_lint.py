"""ruff finds nothing in the package, the tests, the benchmarks and the CI scripts; mypy nothing in the package."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    done = subprocess.run([ruff, "check", "convlab", "tests", "benchmarks", ".ci"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or "mypy"
    done = subprocess.run([mypy, "convlab"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
