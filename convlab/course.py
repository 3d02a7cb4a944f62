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
    title_zh: str = ""
    teaches_zh: str = ""


LESSONS: tuple[Lesson, ...] = (
    Lesson("00_start_here", "Start here", "how to use the course; the seed lesson's script end to end",
           "从这里开始", "如何使用本课程；种子课的代码从头到尾跑一遍"),
    Lesson("01_dimensions", "1-d, 2-d and 3-d convolution", "Conv1d on a signal, Conv2d on an image, Conv3d on a volume",
           "一维、二维与三维卷积", "Conv1d 处理信号，Conv2d 处理图像，Conv3d 处理体数据"),
    Lesson("02_conv2d", "Every nn.Conv2d parameter", "kernel size, stride, padding, dilation, groups, bias; the live Conv2d lab",
           "nn.Conv2d 的每个参数", "卷积核大小、步长、填充、空洞（膨胀）、分组、偏置；Conv2d 实时实验"),
    Lesson("03_output_size", "Output-size arithmetic", "the formula, Dumoulin & Visin's cases, receptive field",
           "输出尺寸的计算", "公式、Dumoulin 与 Visin 的各种情形、感受野"),
    Lesson("04_multichannel", "A 3-D kernel does a 2-D convolution", "per-channel sums, the Conv3d homework",
           "三维卷积核实现二维卷积", "逐通道求和、Conv3d 作业"),
    Lesson("05_groups", "Groups", "AlexNet's split, depthwise and depthwise-separable convolution",
           "分组卷积", "AlexNet 的双 GPU 拆分、深度卷积与深度可分离卷积"),
    Lesson("06_transposed_matrix", "Why “transposed”", "convolution as a matrix C; the transposed one as Cᵀ",
           "为什么叫“转置”", "卷积是矩阵 C，转置卷积用 Cᵀ"),
    Lesson("07_conv_transpose2d", "nn.ConvTranspose2d", "its formula, output_padding, checkerboards; the live lab",
           "nn.ConvTranspose2d", "输出尺寸公式、输出填充、棋盘效应；实时实验"),
    Lesson("08_pooling_linear_activation", "Pooling, Linear, activations", "the seed course's next lesson",
           "池化、全连接层与激活函数", "种子课程的下一课"),
)


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The Repository URL from pyproject.toml (or, for an installed wheel, its metadata)."""
    if pyproject.is_file():
        if sys.version_info >= (3, 11):
            import tomllib

            return str(tomllib.loads(pyproject.read_text())["project"]["urls"]["Repository"])
        match = re.search(r'^Repository\s*=\s*"([^"]+)"', pyproject.read_text(), re.M)  # Python 3.10
        if match:
            return match.group(1)
    from importlib.metadata import metadata

    for entry in metadata("convlab").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip()
    raise LookupError("No Repository URL in pyproject.toml or in convlab's metadata.")


APP_NOTEBOOK = "live_labs"
"""Both labs with no code, served as an app with Voila (not a lesson)."""


def binder_url(notebook: str, repo_url: str | None = None) -> str:
    """A mybinder.org link that opens ``notebooks/<notebook>.ipynb`` in JupyterLab (``zh/NN_x`` for a twin)."""
    repo_url = repo_url or repository_url()
    match = re.match(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", repo_url)
    if not match:
        raise ValueError(f"Repository URL {repo_url!r} is not a https://github.com/OWNER/REPO address.")
    owner, repo = match.groups()
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/HEAD?urlpath=lab/tree/notebooks/{notebook}.ipynb"


def course_map_markdown(repo_url: str | None = None, language: str = "en") -> str:
    """The README's course-map table, one row per lesson with its Binder link (``language="zh"``: the twins)."""
    if language == "zh":
        rows = ["| 课 | 内容 | 打开 |", "|---|---|---|"]
    else:
        rows = ["| lesson | teaches | open |", "|---|---|---|"]
    for lesson in LESSONS:
        if language == "zh":
            path, title, teaches = f"zh/{lesson.notebook}", lesson.title_zh, lesson.teaches_zh
        else:
            path, title, teaches = lesson.notebook, lesson.title, lesson.teaches
        link = binder_url(path, repo_url)
        rows.append(
            f"| [{lesson.notebook}](notebooks/{path}.ipynb): {title} | {teaches} "
            f"| [![Binder](https://mybinder.org/badge_logo.svg)]({link}) |"
        )
    return "\n".join(rows)


START, END = "<!-- course-map:start -->", "<!-- course-map:end -->"


READMES = {"en": ROOT / "README.md", "zh": ROOT / "README.zh-CN.md"}


def refresh_readme(readme: Path = READMES["en"], language: str = "en") -> bool:
    """Rewrite the course map between the README's markers; True if anything changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = f"{head}{START}\n{course_map_markdown(language=language)}\n{END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    for lang, path in READMES.items():
        print(f"{path.name} updated" if refresh_readme(path, lang) else f"{path.name} already up to date")
    sys.exit(0)
