"""An item's annexes: a file copied as it is, a page or funding annex rendered, an address elsewhere.

Every path is checked to lie in the meeting's folder and to name no control character; a file is
refused when a browser would run it on the site (annexfiles.py); its name is percent-encoded in the
annex's URL (the output file keeps the name as written); an address goes through urls.checked_url.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from ..compute.funding import load_funding_annex
from ..model import Annex
from ..source.annexfiles import active_content
from ..source.files import SourceFile
from ..source.schema import Record, suggest
from ..source.schemas import ANNEX_PAGE
from ..source.urls import UnsafeURL, checked_url, path_url
from ..source.validate import check
from .context import ANNEX_DIR, LoadContext, inside, read_file, render_body
from .folders import not_a_file

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_annex(entry: Record, folder: Path, meeting_slug: str, item: SourceFile, ctx: LoadContext,
                item_public: bool) -> Annex | None:
    title = entry.get("title")
    if title is None:
        return None
    kinds = [k for k in ("file", "url", "page", "funding") if k in entry.values]
    if len(kinds) > 1:
        ctx.diags.error(item.rel, entry.line(kinds[1]), f"the annex '{title}' has both '{kinds[0]}' and "
                        f"'{kinds[1]}'", "give each annex one of file, url, page or funding")
        return None
    public = entry.get("public", True) and item_public
    kind = kinds[0] if kinds else "none"
    if kind == "none":
        return Annex(title, "none", public)
    if kind == "url":
        return _url_annex(title, entry, public, item, ctx)
    raw = entry.get(kind)
    line = entry.line(kind)
    if _CONTROL.search(raw):
        ctx.diags.error(item.rel, line, f"the annex path {raw!r} holds a control character (a line break, "
                        "tab or the like)", "rename the file without it, and write the name on one line")
        return None
    raw_path = Path(raw)
    target = folder / raw_path
    if raw_path.is_absolute() or ".." in raw_path.parts or not inside(target, folder, ctx):
        ctx.diags.error(item.rel, line, f"the annex path '{raw}' points outside the meeting folder",
                        "annex files must lie in the meeting's folder, e.g. bilag/notat.pdf")
        return None
    if not target.is_file():
        what = not_a_file(target)
        if what:
            named = {"file": "annex file", "page": "annex page", "funding": "funding annex"}[kind]
            ctx.diags.error(item.rel, line, f"the {named} '{raw}' is {what}, not a file",
                            "name a file in the meeting folder, e.g. bilag/notat.pdf")
            return None
        close = sorted(p.name for p in target.parent.glob("*")) if target.parent.is_dir() else []
        guess = suggest(target.name, close)
        hint = f"did you mean '{raw_path.parent / guess}'?" if guess else \
            "check the spelling, or add the file to the meeting folder"
        ctx.diags.error(item.rel, line, f"the annex file '{raw}' does not exist", hint)
        return None
    if not public:
        return Annex(title, kind, False, source=ctx.rel(target))
    if kind == "file":
        return _file_annex(title, target, raw, meeting_slug, item, line, ctx)
    if kind == "page":
        if target.suffix != ".md":
            ctx.diags.error(item.rel, line, f"the annex page '{raw}' is not a Markdown (.md) file",
                            "use 'file:' for PDF and other files, 'page:' for Markdown documents")
            return None
        src = read_file(target, ctx, front_required=False)
        if src is None:
            return None
        rec = check(src.front, ANNEX_PAGE, ctx.diags, src.rel, ctx.config.language)
        rendered = render_body(src.body, src, ctx)
        page_title = (rec.get("title") if rec else None) or title
        return Annex(page_title, "page", True, source=src.rel, url=f"{meeting_slug}/{ANNEX_DIR}/{target.stem}/",
                     html=rendered.html, tables=rendered.tables)
    return load_funding_annex(title, target, meeting_slug, item, line, ctx)


def _url_annex(title: str, entry: Record, public: bool, item: SourceFile, ctx: LoadContext) -> Annex | None:
    """An annex published elsewhere: its address checked like every other (urls.py)."""
    try:
        url = checked_url(entry.get("url"))
    except UnsafeURL as exc:
        ctx.diags.error(item.rel, entry.line("url"), f"the annex address cannot be published: {exc}",
                        "write the full https:// address of the document")
        return None
    return Annex(title, "url", public, url=url)


def _file_annex(title: str, target: Path, raw: str, meeting_slug: str, item: SourceFile, line: int,
                ctx: LoadContext) -> Annex | None:
    """A file copied as it is: refused if a browser would run it (annexfiles.py); its name percent-encoded."""
    try:
        active = active_content(target)
    except OSError as exc:
        ctx.diags.error(item.rel, line, f"cannot read the annex file '{raw}': {exc.strerror}",
                        "check that the file exists and that you may read it")
        return None
    if active is not None:
        ctx.diags.error(item.rel, line, f"the annex file '{raw}' {active[0]}", active[1])
        return None
    file_type = (target.suffix.lstrip(".").upper() or
                 (mimetypes.guess_type(target.name)[0] or "file").split("/")[-1].upper())
    return Annex(title, "file", True, source=ctx.rel(target),
                 url=f"{meeting_slug}/{ANNEX_DIR}/{path_url(target.name)}",
                 size=target.stat().st_size, file_type=file_type)
