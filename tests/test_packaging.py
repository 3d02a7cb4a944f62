"""The set-up files agree with each other: pyproject, environment.yml, README, Makefile, CI."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import convlab
from convlab import course

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name
NOT_PACKAGES = {"python", "pip"}


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].strip().lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def conda_packages() -> set[str]:
    names = set()
    deps = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in deps.splitlines():
        match = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)", line)
        if match:
            name = match.group(1).lower()
            names.add(CONDA_NAMES.get(name, name))
    return names - NOT_PACKAGES


def test_environment_yml_has_every_runtime_dependency() -> None:
    runtime = {requirement_name(r) for r in pyproject()["project"]["dependencies"]}
    assert runtime - conda_packages() == set()


def test_environment_yml_has_nothing_pyproject_does_not_know() -> None:
    project = pyproject()["project"]
    known = {requirement_name(r) for r in project["dependencies"]}
    known |= {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    assert conda_packages() - known == set()


def test_environment_yml_is_conda_forge_only_with_the_cpu_torch() -> None:
    text = (ROOT / "environment.yml").read_text()
    channels = re.search(r"channels:\n((?:\s+-.*\n)+)", text).group(1)
    assert [c.strip("- \n") for c in channels.splitlines()] == ["conda-forge"]
    assert "pytorch=*=cpu*" in text
    assert "pip install --no-deps -e ." in (ROOT / "postBuild").read_text()


def test_readme_course_map_is_generated_from_the_repository_url() -> None:
    readme = (ROOT / "README.md").read_text()
    assert course.course_map_markdown() in readme, "run `make readme`"
    url = pyproject()["project"]["urls"]["Repository"]
    owner_repo = url.removeprefix("https://github.com/")
    for lesson in course.LESSONS:
        assert f"mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/notebooks/{lesson.notebook}.ipynb" in readme


def test_a_fork_changes_one_line() -> None:
    link = course.binder_url("03_output_size", "https://github.com/someone/fork")
    assert link == "https://mybinder.org/v2/gh/someone/fork/HEAD?urlpath=lab/tree/notebooks/03_output_size.ipynb"


def test_every_notebook_is_on_the_course_map_and_back() -> None:
    on_disk = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk == {lesson.notebook for lesson in course.LESSONS} | {course.APP_NOTEBOOK}
    twins = {p.stem for p in (ROOT / "notebooks" / "zh").glob("*.ipynb")}
    assert twins == {lesson.notebook for lesson in course.LESSONS}


def test_the_two_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^lab: setup$", makefile, re.M) and re.search(r"^test: setup$", makefile, re.M)
    assert "notebooks/00_start_here.ipynb" in makefile and "ServerApp.ip=127.0.0.1" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_version_matches_pyproject() -> None:
    assert convlab.__version__ == pyproject()["project"]["version"]


def test_the_wheel_ships_exactly_the_free_images() -> None:
    shipped = set(pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"])
    on_disk = {f"images/{name}.png" for name in convlab.available_images()[1:]} | {"images/CREDITS.md"}
    assert shipped == on_disk and "images/lena.png" not in shipped


def test_the_rise_widgets_extension_is_built_installed_and_shipped() -> None:
    """labextension/convlab-rise-widgets: its entry point exists, the wheel installs it where JupyterLab
    looks, and this environment has the same files (a stale install would hide a rebuild)."""
    import json

    built = ROOT / "labextension" / "convlab-rise-widgets"
    meta = json.loads((built / "package.json").read_text())
    assert meta["name"] == "convlab-rise-widgets"
    assert (built / meta["jupyterlab"]["_build"]["load"]).is_file()
    shared = pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared == {"labextension/convlab-rise-widgets": "share/jupyter/labextensions/convlab-rise-widgets"}
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "convlab-rise-widgets"
    names = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file())
    for name in names:
        assert (installed / name).read_bytes() == (built / name).read_bytes(), name
