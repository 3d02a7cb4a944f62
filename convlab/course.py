"""The course map: one entry per lesson notebook, and the Binder links derived from one URL.

The repository URL lives in one place, ``[project.urls] Repository`` in pyproject.toml;
a fork changes that line and runs ``make readme`` to refresh the README's links.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    notebook: str
    title: str
    teaches: str


LESSONS: tuple[Lesson, ...] = (
    Lesson("00_start_here", "Start here", "how to use the course; the seed lesson's script end to end"),
    Lesson("01_dimensions", "1-d, 2-d and 3-d convolution", "Conv1d on a signal, Conv2d on an image, Conv3d on a volume"),
    Lesson("02_conv2d", "Every nn.Conv2d parameter", "kernel size, stride, padding, dilation, groups, bias; the live Conv2d lab"),
    Lesson("03_output_size", "Output-size arithmetic", "the formula, Dumoulin & Visin's cases, receptive field"),
    Lesson("04_multichannel", "A 3-D kernel does a 2-D convolution", "per-channel sums, the Conv3d homework"),
    Lesson("05_groups", "Groups", "AlexNet's split, depthwise and depthwise-separable convolution"),
    Lesson("06_transposed_matrix", "Why “transposed”", "convolution as a matrix C; the transposed one as Cᵀ"),
    Lesson("07_conv_transpose2d", "nn.ConvTranspose2d", "its formula, output_padding, checkerboards; the live lab"),
    Lesson("08_pooling_linear_activation", "Pooling, Linear, activations", "the seed course's next lesson"),
)


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The Repository URL from pyproject.toml (or, for an installed wheel, its metadata)."""
    if pyproject.is_file():
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            match = re.search(r'^Repository\s*=\s*"([^"]+)"', pyproject.read_text(), re.M)
            if match:
                return match.group(1)
        else:
            return tomllib.loads(pyproject.read_text())["project"]["urls"]["Repository"]
    from importlib.metadata import metadata

    for entry in metadata("convlab").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip()
    raise LookupError("No Repository URL in pyproject.toml or in convlab's metadata.")


def binder_url(notebook: str, repo_url: str | None = None) -> str:
    """A mybinder.org link that opens ``notebooks/<notebook>.ipynb`` in JupyterLab."""
    repo_url = repo_url or repository_url()
    match = re.match(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", repo_url)
    if not match:
        raise ValueError(f"Repository URL {repo_url!r} is not a https://github.com/OWNER/REPO address.")
    owner, repo = match.groups()
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/HEAD?urlpath=lab/tree/notebooks/{notebook}.ipynb"


def course_map_markdown(repo_url: str | None = None) -> str:
    """The README's course-map table, one row per lesson with its Binder link."""
    rows = ["| lesson | teaches | open |", "|---|---|---|"]
    for lesson in LESSONS:
        link = binder_url(lesson.notebook, repo_url)
        rows.append(
            f"| [{lesson.notebook}](notebooks/{lesson.notebook}.ipynb): {lesson.title} | {lesson.teaches} "
            f"| [![Binder](https://mybinder.org/badge_logo.svg)]({link}) |"
        )
    return "\n".join(rows)


START, END = "<!-- course-map:start -->", "<!-- course-map:end -->"


def refresh_readme(readme: Path = ROOT / "README.md") -> bool:
    """Rewrite the course map between the README's markers; True if anything changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = f"{head}{START}\n{course_map_markdown()}\n{END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("README.md updated" if refresh_readme() else "README.md already up to date")
    sys.exit(0)
