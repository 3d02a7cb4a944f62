"""The language convlab speaks: English by default, Chinese with ``set_language("zh")``.

Messages are marked ``_("...")`` in the code and translated through gettext catalogs
(``convlab/locale/<lang>/LC_MESSAGES/convlab.po``, compiled to ``.mo`` with Babel:
``make translations``). A string is looked up when it is shown, so switching the
language takes effect at once, also for labels defined at import time (mark those
with ``N_`` and translate them with ``_`` where they are used).
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "convlab"
LANGUAGES = ("en", "zh")
"""The languages convlab speaks; ``en`` is the source language of every message."""

_language = "en"
_notified_no_font = False


def _normalise(language: str) -> str:
    lang = language.strip().lower().replace("-", "_")
    if lang in ("", "en", "en_us", "en_gb", "c", "posix"):
        return "en"
    if lang in ("zh", "zh_cn", "zh_hans", "zh_sg", "cn"):
        return "zh"
    raise ValueError(f"language={language!r} is not one convlab speaks; choose one of {', '.join(LANGUAGES)}.")


def set_language(language: str) -> None:
    """Switch everything convlab says (labs, messages, exercises, figures) to ``language``.

    ``"zh"`` (or ``"zh-CN"``) for Chinese, ``"en"`` for English. The environment variable
    ``CONVLAB_LANG`` sets the language a kernel starts in.
    """
    global _language
    _language = _normalise(language)
    if _language == "zh":
        _figures_can_speak(_language)  # a notebook's own plot titles need the font too


def get_language() -> str:
    """The current language code: ``"en"`` or ``"zh"``."""
    return _language


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    # fallback: a checkout whose catalog is not compiled yet speaks English rather than failing
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (unchanged in English or when untranslated)."""
    return _catalog(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _catalog(_language).ngettext(singular, plural, n)


def figure_text(message: str) -> str:
    """``message`` for a figure: translated only when matplotlib has a font for the language.

    Without a CJK font, Chinese would show as empty boxes; figures then stay in English
    and one notice says why.
    """
    if _language == "en" or not _figures_can_speak(_language):
        return message
    return _(message)


def _figures_can_speak(language: str) -> bool:
    global _notified_no_font
    from .fonts import use_cjk_font

    if use_cjk_font():
        return True
    if not _notified_no_font:
        _notified_no_font = True
        import sys

        print(_("convlab: no Chinese font found for matplotlib, so figures stay in English. "
                "Install one with: pip install mplfonts"), file=sys.stderr)
    return False


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for the marker)
    """Mark ``message`` for translation without translating it yet (for import-time constants)."""
    return message


_env = os.environ.get("CONVLAB_LANG", "")
if _env:
    try:
        _language = _normalise(_env)  # the font is set up when a figure first needs it
    except ValueError:
        pass
