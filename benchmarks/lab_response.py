"""Kernel-side response time of the live labs, against a naive matplotlib re-render.

Sweeps every value of every slider in its default range (the others at their
defaults) for both labs on the 512×512 image, and times each event from the new
slider value to the new image bytes being ready. Budget (DESIGN.md): p95 ≤ 50 ms,
max ≤ 150 ms. Run: `make bench` or `python benchmarks/lab_response.py`.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import convlab as cl  # noqa: E402
from convlab.lab import SLIDERS  # noqa: E402

P95_BUDGET_MS, MAX_BUDGET_MS = 50.0, 150.0


def sweep_events(lab: cl.ConvLab) -> list[tuple[str, int]]:
    """(slider, value) for every value of every slider, each slider starting from the defaults."""
    events = []
    for name in lab.controls:
        spec = SLIDERS[name]
        events += [(name, v) for v in range(spec.low, spec.high + 1)]
    return events


def time_lab(transposed: bool) -> list[float]:
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


def summary(label: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=100)
    return (f"{label:<34} n={len(times):3d}  p50={statistics.median(times):6.1f} ms  "
            f"p95={q[94]:6.1f} ms  max={max(times):6.1f} ms")


def main() -> int:
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; budget p95 ≤ {P95_BUDGET_MS:.0f} ms, "
          f"max ≤ {MAX_BUDGET_MS:.0f} ms")
    ok = True
    for transposed in (False, True):
        name = "ConvTranspose2d lab" if transposed else "Conv2d lab"
        times = time_lab(transposed)
        print(summary(name, times))
        print(summary("  baseline: matplotlib re-render", time_naive(transposed)))
        q95 = statistics.quantiles(times, n=100)[94]
        if q95 > P95_BUDGET_MS or max(times) > MAX_BUDGET_MS:
            ok = False
            print(f"  OVER BUDGET: p95 {q95:.1f} ms, max {max(times):.1f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
