"""One course in two languages, held in step: the message catalog, the twin notebooks, the READMEs."""

from __future__ import annotations

import gettext
import io
import json
import re
import string
import tokenize
import warnings
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import convlab as cl
from convlab import course, i18n

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "convlab" / "locale" / "zh" / "LC_MESSAGES" / "convlab.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "figure_text": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "convlab"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)  # a plural is keyed by its singular
    return ids


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_message_has_a_chinese_translation() -> None:
    catalog = _catalog()
    missing = []
    for msgid in sorted(_extracted()):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy or (
                isinstance(message.string, tuple) and not all(message.string)):
            missing.append(msgid)
        elif re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}|<[^>]*>|&\w+;", "", msgid)):
            text = message.string if isinstance(message.string, str) else message.string[0]
            if not re.search(r"[\u4e00-\u9fff]", text):
                missing.append(msgid + "  (the 'translation' has no Chinese)")
    assert not missing, f"{len(missing)} messages without Chinese (run `make translations`, translate):\n" + \
        "\n".join(m[:90] for m in missing[:30])


def test_translations_keep_every_placeholder() -> None:
    for message in _catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert _fields(text) <= set().union(*(_fields(i) for i in ids)), message.id


def test_the_compiled_catalog_is_up_to_date() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in _catalog():
        if message.id and message.string and not message.fuzzy and not message.pluralizable:
            assert compiled.gettext(message.id) == message.string, f"run `make translations`: {message.id[:60]}"


def test_set_language_switches_what_convlab_says() -> None:
    try:
        cl.set_language("zh")
        assert cl.get_language() == "zh"
        with pytest.raises(cl.ConvConfigError) as info:
            cl.check_channels(3, 4, 2)
        assert re.search(r"[\u4e00-\u9fff]", str(info.value)) and "groups=2" in str(info.value)
        cl.set_language("en")
        with pytest.raises(cl.ConvConfigError, match="does not divide"):
            cl.check_channels(3, 4, 2)
    finally:
        cl.set_language("en")
    with pytest.raises(ValueError, match="fr"):
        cl.set_language("fr")


def test_a_chinese_figure_has_every_glyph() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        cl.set_language("zh")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            fig = cl.diagrams.draw_conv(5, 3, padding=1)
            fig.canvas.draw()
            title_text = " ".join(t.get_text() for ax in fig.axes for t in [ax.title, *ax.texts])
        assert re.search(r"[\u4e00-\u9fff]", title_text), title_text
        plt.close(fig)
    finally:
        cl.set_language("en")


def test_without_a_chinese_font_figures_stay_english(monkeypatch, capsys) -> None:
    monkeypatch.setattr("convlab.fonts.use_cjk_font", lambda: False)
    monkeypatch.setattr(i18n, "_notified_no_font", False)
    monkeypatch.setattr(i18n, "_language", "zh")
    assert i18n.figure_text("input") == "input"
    assert i18n.figure_text("output") == "output"
    assert capsys.readouterr().err.count("pip install mplfonts") == 1  # one notice, not one per figure


# -- the twin notebooks ----------------------------------------------------------------------
LESSONS = [lesson.notebook for lesson in course.LESSONS]


def _notebook(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code_skeleton(source: str) -> list[tuple[int, str]]:
    """The code's tokens with comments dropped and string contents blanked."""
    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            text = tok.string
            if tok.type == tokenize.STRING:
                text = re.match(r"^[a-zA-Z]*", text).group(0).lower() + "STR"
            elif tok.type in (getattr(tokenize, "FSTRING_MIDDLE", -1),):
                text = "STR"
            tokens.append((tok.type, text))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [(0, source)]
    return tokens


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_has_a_chinese_twin_with_the_same_code(name: str) -> None:
    english, chinese = ROOT / "notebooks" / f"{name}.ipynb", ROOT / "notebooks" / "zh" / f"{name}.ipynb"
    assert chinese.is_file(), f"notebooks/zh/{name}.ipynb is missing"
    en_cells, zh_cells = _notebook(english), _notebook(chinese)
    assert [c["cell_type"] for c in en_cells] == [c["cell_type"] for c in zh_cells], "cells differ in kind or number"
    for index, (en, zh) in enumerate(zip(en_cells, zh_cells, strict=True)):
        assert en["metadata"].get("tags", []) == zh["metadata"].get("tags", []), f"cell {index}: tags differ"
        if en["cell_type"] == "code":
            assert _code_skeleton("".join(en["source"])) == _code_skeleton("".join(zh["source"])), \
                f"cell {index}: the code differs (beyond comments and strings)"


_SKIP = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>|https?://\S+", re.S)
_ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][a-z']+\b[ ,;:]+){6,}")


@pytest.mark.parametrize("name", LESSONS)
def test_every_prose_cell_of_a_twin_is_in_chinese(name: str) -> None:
    for index, cell in enumerate(_notebook(ROOT / "notebooks" / "zh" / f"{name}.ipynb")):
        if cell["cell_type"] != "markdown":
            continue
        text = _SKIP.sub(" ", "".join(cell["source"]))
        if re.search(r"[A-Za-z]{3,}", text):
            assert re.search(r"[\u4e00-\u9fff]", text), f"cell {index} has no Chinese: {text[:80]!r}"
        run = _ENGLISH_RUN.search(text)
        assert run is None, f"cell {index} keeps an English sentence: {run.group(0)!r}"


def test_english_lessons_speak_english_and_twins_chinese() -> None:
    for name in LESSONS:
        en = "".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                     for c in _notebook(ROOT / "notebooks" / f"{name}.ipynb") if c["cell_type"] == "code")
        zh = "".join("".join(c["source"]) for c in _notebook(ROOT / "notebooks" / "zh" / f"{name}.ipynb")
                     if c["cell_type"] == "code")
        assert 'cl.set_language("en")' in en, name
        assert 'cl.set_language("zh")' in zh, name


def test_chinese_readme_has_the_generated_map_and_both_readmes_link_each_other() -> None:
    zh = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    en = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course.course_map_markdown(language="zh") in zh, "run `make readme`"
    assert "README.zh-CN.md" in en.split("\n\n")[0] + en.split("\n\n")[1]
    assert "README.md" in zh.split("\n\n")[0] + zh.split("\n\n")[1]
    for name in LESSONS:
        assert f"urlpath=lab/tree/notebooks/zh/{name}.ipynb" in zh


def test_glossary_has_forty_terms_and_is_linked_from_both_starts() -> None:
    glossary = (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8")
    rows = [line for line in glossary.splitlines() if line.startswith("|") and re.search(r"[\u4e00-\u9fff]", line)]
    assert len(rows) >= 40
    for path, link in (("00_start_here.ipynb", "glossary.md"), ("zh/00_start_here.ipynb", "../glossary.md")):
        text = "".join("".join(c["source"]) for c in _notebook(ROOT / "notebooks" / path))
        assert f"]({link})" in text, path
