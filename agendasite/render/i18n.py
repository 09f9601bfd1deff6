"""The interface's words: gettext catalogs (.po) read with Babel, Danish default, English second."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent.parent / "locale"


@lru_cache(maxsize=None)
def load_translations(language: str) -> Translations:
    """The compiled catalog of a language (English is the source language of the msgids)."""
    po_path = LOCALE_DIR / f"{language}.po"
    with open(po_path, "rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)

