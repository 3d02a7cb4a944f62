"""A room of students on one machine: N real Jupyter kernels, each driving its own live labs.

Each student is an ipykernel (started with jupyter_client, as JupyterLab or JupyterHub would)
holding both labs, as notebooks/live_labs.ipynb does. A driver thread per student plays the
browser: it sends the same ``comm_msg`` a slider drag sends (``{"method": "update", "state":
{"value": v}}`` to the slider's widget) and times it until the kernel reports idle for that
message, i.e. until every new image and label has been sent back. The walk is human-paced:
one slider step (±1) about every 0.5 s (~2 events/s), now and then a switch to the other lab,
and an invalid setting (the lab shows its warning) is undone on the next step. All students
run at once.

Reports, per N: latency p50 / p95 / max over all students' events, events per second, and
memory per student as PSS (``/proc/<pid>/smaps_rollup``: pages shared between kernels, such as
libtorch, count once in total, not once per kernel). Goal (DESIGN.md): 12 students on the
course machine (2 cores) with p95 ≤ 150 ms; the exit status is 1 when the run with 12
students misses it.

Run: ``python benchmarks/classroom.py`` (N = 1, 4, 8, 12, 30 s each), or e.g.
``python benchmarks/classroom.py --students 1 12 --duration 60``. ``--convlab-path DIR`` runs
the kernels on another checkout's convlab (to compare a lab before and after a change).
Kernels get ``OMP_NUM_THREADS=1`` (``--threads``), as a shared server should set for them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import KernelManager

P95_GOAL_MS = 150.0
GOAL_STUDENTS = 12
EVENT_INTERVAL_S = (0.3, 0.7)  # one slider step every 0.3-0.7 s: ~2 events/s
SWITCH_LAB_P = 0.05
EVENT_TIMEOUT_S = 60.0

# Run in each kernel once: the labs, and what the driver needs to know about them.
SETUP_CODE = """
import json as _json, os as _os, sys as _sys
import convlab as _cl
from convlab.lab import SLIDERS as _SLIDERS
_labs = {"conv": _cl.ConvLab(image="lena"), "transposed": _cl.ConvLab(image="lena", transposed=True)}
print(_json.dumps({
    "pid": _os.getpid(), "python": _sys.executable, "convlab": _os.path.dirname(_cl.__file__),
    "labs": {kind: {
        "message": lab.message.model_id,
        "sliders": {name: {"id": s.model_id, "value": s.value, "low": _SLIDERS[name].low,
                           "high": _SLIDERS[name].high} for name, s in lab.controls.items()},
    } for kind, lab in _labs.items()},
}))
"""


@dataclass
class Student:
    """One student's kernel, client and walk state."""

    index: int
    km: KernelManager
    kc: object  # BlockingKernelClient
    pid: int = 0
    info: dict = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    invalid_events: int = 0
    error: str = ""


def pss_mb(pid: int) -> float:
    """Proportional set size of a process in MB (shared pages divided among their sharers)."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss line in /proc/{pid}/smaps_rollup")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * q / 100)) - 1]


def start_student(index: int, env: dict[str, str]) -> Student:
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env, stderr=open(os.devnull, "w"))  # noqa: SIM115 (the kernel holds it)
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=300)
        student = Student(index, km, kc)
        reply = kc.execute_interactive(SETUP_CODE, timeout=300, output_hook=_collect_into(student))
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"student {index}: setting up the labs failed: {student.error or reply['content']}")
        student.pid = student.info["pid"]
        return student
    except BaseException:  # never leave a kernel behind
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise


def _collect_into(student: Student):
    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream" and msg["content"]["text"].strip().startswith("{"):
            student.info = json.loads(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            student.error = "\n".join(msg["content"]["traceback"])
    return hook


def send_value(student: Student, kind: str, name: str, value: int) -> tuple[float, str | None]:
    """Send one slider update as the front end does; wait until the kernel is idle again.

    Returns (latency in ms, the lab's warning text if this update changed it, else None).
    """
    lab = student.info["labs"][kind]
    slider = lab["sliders"][name]
    kc = student.kc
    content = {"comm_id": slider["id"], "data": {"method": "update", "state": {"value": value},
                                                 "buffer_paths": []}}
    msg = kc.session.msg("comm_msg", content)
    t0 = time.perf_counter()
    kc.shell_channel.send(msg)
    warning = None
    deadline = time.monotonic() + EVENT_TIMEOUT_S
    while True:
        reply = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        if reply["msg_type"] == "comm_msg" and reply["content"]["comm_id"] == lab["message"]:
            state = reply["content"]["data"].get("state", {})
            if "value" in state:
                warning = state["value"]
        if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            break
    slider["value"] = value
    return (time.perf_counter() - t0) * 1000, warning


def walk(student: Student, rng: random.Random, start_at: float, stop_at: float, record: bool) -> None:
    """A human-paced random walk over the sliders, undoing each invalid setting at the next step."""
    kind = "conv"
    invalid = False
    last: tuple[str, str, int] | None = None  # (lab, slider, previous value), to undo
    next_at = start_at + rng.uniform(0, EVENT_INTERVAL_S[1])
    try:
        while True:
            now = time.monotonic()
            if now >= stop_at:
                return
            if next_at > now:
                time.sleep(min(next_at - now, stop_at - now))
                continue
            if invalid and last is not None:
                kind, name, value = last
                last = None
            else:
                if rng.random() < SWITCH_LAB_P:
                    kind = "transposed" if kind == "conv" else "conv"
                sliders = student.info["labs"][kind]["sliders"]
                name = rng.choice(sorted(sliders))
                s = sliders[name]
                step = rng.choice((-1, 1))
                if not s["low"] <= s["value"] + step <= s["high"]:
                    step = -step
                last = (kind, name, s["value"])
                value = s["value"] + step
            ms, warning = send_value(student, kind, name, value)
            if warning is not None:
                invalid = bool(warning)
            if record:
                student.latencies_ms.append(ms)
                student.invalid_events += invalid
            next_at = max(next_at + rng.uniform(*EVENT_INTERVAL_S), time.monotonic())
    except Exception as exc:  # reported with the results, never silently dropped
        student.error = f"{type(exc).__name__}: {exc}"


def _closing_its_loop(fn: Callable[..., None]) -> Callable[..., None]:
    """``fn`` for a thread, closing the event loop jupyter_client made for that thread when done.

    Left open, each such loop is closed by the garbage collector at interpreter exit, when its
    file descriptors are already gone, and prints a traceback ("Invalid file descriptor: -1")."""
    def run(*args: object) -> None:
        try:
            fn(*args)
        finally:
            with contextlib.suppress(RuntimeError):
                loop = asyncio.get_event_loop_policy().get_event_loop()
                if not loop.is_running() and not loop.is_closed():
                    loop.close()
    return run


def run_class(n: int, duration: float, env: dict[str, str], seed: int) -> dict:
    students: list[Student | None] = [None] * n
    errors: list[str] = []

    def start(i: int) -> None:
        try:
            students[i] = start_student(i, env)
        except Exception as exc:
            errors.append(f"student {i}: {type(exc).__name__}: {exc}")

    t0 = time.monotonic()
    threads = [threading.Thread(target=_closing_its_loop(start), args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started_s = time.monotonic() - t0
    try:
        if errors:
            raise RuntimeError("; ".join(errors))
        ready = [s for s in students if s is not None]
        if ready:
            print(f"   kernels: {ready[0].info['python']}, convlab from {ready[0].info['convlab']}",
                  flush=True)
        # Warm-up: a few unrecorded steps each (first-call costs), then everyone at once.
        cpu_before: list[float] = []
        for record, seconds in ((False, 3.0), (True, duration)):
            if record:
                cpu_before = [cpu_seconds(s.pid) for s in ready]
            begin = time.monotonic() + 0.2
            walkers = [threading.Thread(target=_closing_its_loop(walk), args=(s, random.Random(seed * 1000 + s.index + record),
                                                           begin, begin + seconds, record))
                       for s in ready]
            for w in walkers:
                w.start()
            for w in walkers:
                w.join()
        failed = [f"student {s.index}: {s.error}" for s in ready if s.error]
        if failed:
            raise RuntimeError("; ".join(failed))
        cpu = [cpu_seconds(s.pid) - before for s, before in zip(ready, cpu_before, strict=True)]
        lat = [ms for s in ready for ms in s.latencies_ms]
        pss = [pss_mb(s.pid) for s in ready]
        return {
            "students": n, "events": len(lat), "events_per_s": len(lat) / duration,
            "invalid_events": sum(s.invalid_events for s in ready),
            "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat),
            "cpu_cores_busy": sum(cpu) / duration, "cpu_cores_per_student": statistics.fmean(cpu) / duration,
            "pss_mb_mean": statistics.fmean(pss), "pss_mb_max": max(pss), "pss_mb_total": sum(pss),
            "startup_s": started_s,
        }
    finally:
        for s in students:
            if s is None:
                continue
            s.kc.stop_channels()
            s.km.shutdown_kernel(now=True)


def kernel_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(args.threads)
    env["MKL_NUM_THREADS"] = str(args.threads)
    env.setdefault("CONVLAB_OFFLINE", "1")  # no downloads: the 512×512 stand-in if lena is not cached
    env["MPLBACKEND"] = "Agg"
    if args.convlab_path:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(args.convlab_path).resolve()),
                                             env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", "-n", type=int, nargs="+", default=[1, 4, 8, 12],
                        help="class sizes to run, one after another (default: 1 4 8 12)")
    parser.add_argument("--duration", "-d", type=float, default=30.0,
                        help="seconds of recorded slider walking per class size (default: 30)")
    parser.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS for each kernel (default: 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--convlab-path", default="",
                        help="a checkout whose convlab/ the kernels import instead of the installed one")
    parser.add_argument("--json", default="", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"classroom: {cores} cores, load average {load:.1f} at start; kernels with OMP_NUM_THREADS="
          f"{args.threads}; {args.duration:.0f} s of walking per class size", flush=True)
    env = kernel_env(args)
    results = []
    for n in args.students:
        print(f"-- {n} student(s): starting kernels ...", flush=True)
        r = run_class(n, args.duration, env, args.seed)
        r["load_avg"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        results.append(r)
        print(f"   {r['events']} events in {args.duration:.0f} s, p95 {r['p95_ms']:.0f} ms, "
              f"PSS {r['pss_mb_mean']:.0f} MB each (kernels up in {r['startup_s']:.0f} s)", flush=True)

    print()
    print("| students | events/s | p50 ms | p95 ms | max ms | invalid | kernel CPU, cores busy | "
          "PSS per student MB | PSS total MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['students']} | {r['events_per_s']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
              f"{r['max_ms']:.0f} | {r['invalid_events']} | {r['cpu_cores_busy']:.2f} | "
              f"{r['pss_mb_mean']:.0f} (max {r['pss_mb_max']:.0f}) | {r['pss_mb_total']:.0f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"cores": cores, "threads": args.threads, "results": results},
                                              indent=2))
    goal = [r for r in results if r["students"] == GOAL_STUDENTS]
    if goal and goal[0]["p95_ms"] > P95_GOAL_MS:
        print(f"GOAL MISSED: {GOAL_STUDENTS} students, p95 {goal[0]['p95_ms']:.0f} ms > {P95_GOAL_MS:.0f} ms")
        return 1
    if goal:
        print(f"goal met: {GOAL_STUDENTS} students, p95 {goal[0]['p95_ms']:.0f} ms ≤ {P95_GOAL_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
