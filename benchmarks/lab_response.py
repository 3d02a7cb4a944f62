"""Kernel-side response time of the live labs: from a slider's new value to new image bytes ready.

Two sweeps per lab, on the 512×512 image, both against the budget of DESIGN.md
(p95 ≤ 50 ms, max ≤ 150 ms):

- defaults: every value of every slider, the others at their defaults;
- random states: 150 random valid states (every slider, bias and padding mode drawn at
  random), then one more step of one slider (±1, chosen among the steps that keep the
  layer valid, so that every timed step runs a layer); only the step is timed.

Everything runs inside an asyncio loop, as in a kernel, where the labs keep freed memory
for the next event of a drag and hand it back a moment after the last event
(:mod:`convlab.heap`). So the random steps are timed twice: during a drag (memory warm)
and as the first step after a pause (memory handed back first), both against the budget.

The random steps' CPU time (both threads together) is printed too: unlike the wall-clock time
it hardly grows when other programs load the machine. A naive matplotlib re-render of the
default sweep is timed for comparison. With
``--paths`` it also times every exact ConvTranspose2d path of
:mod:`convlab.transpose_paths` on the random states (compute only), which is how
``choose_path``'s rule was measured. The machine's load average is printed beside the
figures: on a shared machine, a high load inflates every time.

Exits non-zero if a lab misses its budget. Run: ``make bench`` or
``python benchmarks/lab_response.py [--states N] [--seed S] [--paths]``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import convlab as cl  # noqa: E402
from convlab import heap, transpose_paths  # noqa: E402
from convlab.config import PADDING_MODES  # noqa: E402
from convlab.errors import ConvConfigError  # noqa: E402
from convlab.lab_compute import SLIDERS, LabSettings, layer_config, slider_names, validate  # noqa: E402

P95_BUDGET_MS, MAX_BUDGET_MS = 50.0, 150.0


def load() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def sweep_events(lab: cl.ConvLab) -> list[tuple[str, int]]:
    """(slider, value) for every value of every slider, each slider starting from the defaults."""
    events = []
    for name in lab.controls:
        spec = SLIDERS[name]
        events += [(name, v) for v in range(spec.low, spec.high + 1)]
    return events


def time_defaults_sweep(transposed: bool) -> list[float]:
    lab = cl.ConvLab(transposed=transposed)
    times, current = [], None
    for name, value in sweep_events(lab):
        if name != current:
            lab.reset()
            current = name
        if lab.controls[name].value == value:
            continue
        start = time.perf_counter()
        lab.controls[name].value = value
        _ = lab.output_image.value  # the bytes the browser gets
        times.append((time.perf_counter() - start) * 1000)
    return times


def _valid(settings: LabSettings, transposed: bool, hw: tuple[int, int]) -> bool:
    try:
        validate(layer_config(settings, 3, transposed), hw, settings)
    except ConvConfigError:
        return False
    return True


def random_state(rng: random.Random, transposed: bool, hw: tuple[int, int]) -> LabSettings:
    """A random valid setting of every control of a lab."""
    names = slider_names(transposed)
    while True:
        values = tuple((n, rng.randint(SLIDERS[n].low, SLIDERS[n].high)) for n in names)
        mode = "zeros" if transposed else rng.choice(PADDING_MODES)
        settings = LabSettings(values, bias=rng.random() < 0.5, padding_mode=mode)
        if _valid(settings, transposed, hw):
            return settings


def next_steps(settings: LabSettings, transposed: bool, hw: tuple[int, int]) -> list[tuple[str, int]]:
    """The one-slider steps (±1) from ``settings`` that keep the layer valid."""
    steps = []
    for name, value in settings.values:
        for new in (value - 1, value + 1):
            if SLIDERS[name].low <= new <= SLIDERS[name].high:
                moved = LabSettings(tuple((n, new if n == name else v) for n, v in settings.values),
                                    settings.bias, settings.padding_mode)
                if _valid(moved, transposed, hw):
                    steps.append((name, new))
    return steps


def apply(lab: cl.ConvLab, settings: LabSettings) -> None:
    """Put a lab in ``settings`` and run it once (untimed)."""
    with lab._quiet():
        for name, value in settings.values:
            lab.controls[name].value = value
        lab.bias.value = settings.bias
        if lab.padding_mode is not None:
            lab.padding_mode.value = settings.padding_mode
    lab.update()


def random_cases(transposed: bool, n: int, seed: int) -> list[tuple[LabSettings, str, int]]:
    rng = random.Random(seed + transposed)
    hw = (512, 512)
    cases = []
    while len(cases) < n:
        state = random_state(rng, transposed, hw)
        steps = next_steps(state, transposed, hw)
        if steps:
            cases.append((state, *rng.choice(steps)))
    return cases


def time_random_states(transposed: bool, cases: list[tuple[LabSettings, str, int]], after_pause: bool = False,
                       ) -> tuple[list[float], list[float], list]:
    """Wall-clock times (the budget's measure), CPU times of this process, and the three slowest steps.

    ``after_pause``: before each step, the lab's memory goes back to the system, as a moment
    without slider events does in a kernel (:mod:`convlab.heap`), so the step starts cold."""
    lab = cl.ConvLab(transposed=transposed)
    times, cpu, slowest = [], [], []
    for state, name, value in cases:
        apply(lab, state)
        if after_pause:
            heap.trim_now()
        start, start_cpu = time.perf_counter(), time.process_time()
        lab.controls[name].value = value
        _ = lab.output_image.value
        ms = (time.perf_counter() - start) * 1000
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert lab.error == "", lab.error
        times.append(ms)
        slowest.append((ms, lab.config.code(), lab.outcome.path if lab.outcome else ""))
    slowest.sort(key=lambda t: -t[0])
    return times, cpu, slowest[:3]


def time_paths(cases: list[tuple[LabSettings, str, int]]) -> dict[str, list[float]]:
    """CPU time of each exact ConvTranspose2d path (and of the rule) on the transposed lab's random steps.

    CPU time, not wall-clock: it compares the paths' work fairly on a loaded machine."""
    image = cl.load_image("lena").contiguous(memory_format=torch.channels_last)
    times: dict[str, list[float]] = {p: [] for p in (*transpose_paths.PATHS, "rule")}
    for state, name, value in cases:
        moved = LabSettings(tuple((n, value if n == name else v) for n, v in state.values), state.bias)
        cfg = layer_config(moved, 3, True)
        layer = cfg.build(moved["seed"])
        args = (image, layer.weight.detach(), None if layer.bias is None else layer.bias.detach(), cfg.stride,
                cfg.padding, cfg.output_padding, cfg.groups, cfg.dilation)
        for path in times:
            chosen = transpose_paths.choose_path(cfg.stride, cfg.dilation, cfg.output_padding) \
                if path == "rule" else path
            start = time.process_time()
            transpose_paths.conv_transpose2d(*args, path=chosen)
            times[path].append((time.process_time() - start) * 1000)
    return times


def naive_render(lab: cl.ConvLab, name: str, value: int) -> bytes | None:
    """What a first version would do: build the layer, run it, draw a matplotlib figure, save PNG."""
    p = {**lab.params, name: value}
    try:
        layer = cl.make_layer(3, p["out_channels"], p["kernel_size"], transposed=lab.transposed,
                              stride=p["stride"], padding=p["padding"],
                              output_padding=p.get("output_padding", 0), dilation=p["dilation"],
                              groups=p["groups"], seed=p["seed"])
        with torch.no_grad():
            out = layer(lab._input.contiguous())
    except cl.ConvConfigError:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    axes[0].imshow(lab._input[0].permute(1, 2, 0).numpy())
    axes[1].imshow(out[0, 0].numpy(), cmap="gray")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def time_naive(transposed: bool) -> list[float]:
    lab = cl.ConvLab(transposed=transposed)
    times = []
    for name, value in sweep_events(lab):
        start = time.perf_counter()
        naive_render(lab, name, value)
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[94]


def summary(label: str, times: list[float]) -> str:
    return (f"{label:<40} n={len(times):3d}  p50={statistics.median(times):6.1f} ms  "
            f"p95={p95(times):6.1f} ms  max={max(times):6.1f} ms")


def within_budget(label: str, times: list[float]) -> bool:
    q95, worst = p95(times), max(times)
    if q95 > P95_BUDGET_MS or worst > MAX_BUDGET_MS:
        print(f"  OVER BUDGET ({label}): p95 {q95:.1f} ms (budget {P95_BUDGET_MS:.0f}), "
              f"max {worst:.1f} ms (budget {MAX_BUDGET_MS:.0f})")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=150, help="random states per lab (default 150)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random states (default 0)")
    parser.add_argument("--paths", action="store_true", help="also time every ConvTranspose2d path")
    parser.add_argument("--no-baseline", action="store_true", help="skip the matplotlib baseline")
    parser.add_argument("--random-only", action="store_true", help="skip the defaults sweep")
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}); {load()}")
    print(f"budget: p95 ≤ {P95_BUDGET_MS:.0f} ms, max ≤ {MAX_BUDGET_MS:.0f} ms")
    ok = True
    for transposed in (False, True):
        name = "ConvTranspose2d lab" if transposed else "Conv2d lab"
        if not args.random_only:
            times = time_defaults_sweep(transposed)
            print(summary(f"{name}, every slider from the defaults", times))
            ok &= within_budget(f"{name}, defaults", times)
        cases = random_cases(transposed, args.states, args.seed)
        for after_pause, when in ((False, "during a drag"), (True, "first after a pause")):
            times, cpu, slowest = time_random_states(transposed, cases, after_pause)
            print(summary(f"{name}, one step from random states, {when}", times))
            print(summary("  the same, CPU time of both threads", cpu))
            for ms, code, path in slowest:
                print(f"    {ms:6.1f} ms  {code}  [{path}]")
            ok &= within_budget(f"{name}, random states, {when}", times)
        if not args.no_baseline:
            print(summary("  baseline: matplotlib re-render", time_naive(transposed)))
        if transposed and args.paths:
            for path, path_times in time_paths(cases).items():
                print(summary(f"  compute only (CPU), path {path}", path_times))
    print(f"after the run: {load()}")
    print("ALL WITHIN BUDGET" if ok else "OVER BUDGET: see above")
    return 0 if ok else 1


async def in_a_kernel_loop(argv: list[str] | None = None) -> int:
    """``main`` inside a running asyncio loop, as a kernel runs a slider's observer."""
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(in_a_kernel_loop()))
