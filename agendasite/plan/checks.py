"""Cross-file check of the plan: no two pages or files of the site may get the same address."""

from __future__ import annotations

import os
import traceback

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError

from ..diagnostics import Diagnostics
from .pages import FilePlan, PagePlan


def source_of(page: PagePlan) -> str | None:
    """The editor's file a page is made from (annex, item or meeting), if any."""
    for key in ("annex", "item", "meeting"):
        value = page.context.get(key)
        source = getattr(value, "source", None)
        if source:
            return str(source)
    return None


def page_entries(pages: list[PagePlan]) -> list[tuple[str, str]]:
    """Each page's output path and the file it comes from (kept per meeting by incremental builds)."""
    return [(p.path, source_of(p) or p.template) for p in pages]


def file_entries(files: list[FilePlan]) -> list[tuple[str, str]]:
    """Each file's output path and where it comes from."""
    return [(f.path, f.copy_from or f.path) for f in files]


def check_unique_entries(entries: list[tuple[str, str]], diags: Diagnostics) -> None:
    """Report every output path that two different sources would both write."""
    seen: dict[str, str] = {}
    for path, source in entries:
        if path not in seen:
            seen[path] = source
            continue
        first = seen[path]
        if first == source:
            continue
        if source.endswith("meeting.md"):  # the meeting's own pages: blame the editor's other file
            first, source = source, first
        diags.error(source, None, f"this gives the address {path}, which {first} already has",
                    "rename one of the files: the address of a page comes from its file name, "
                    "and 'bilag' is reserved for the meeting's annex index")


def report_template_error(exc: TemplateError, page: PagePlan, diags: Diagnostics) -> None:
    """A template that fails: report the template's file and line, and the page it was rendering."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not isinstance(exc, TemplateSyntaxError):
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                filename, line = frame.filename, frame.lineno
                break
    where = filename or page.template
    try:
        where = os.path.relpath(where) if os.path.isabs(where) and not os.path.relpath(where).startswith("..") \
            else where
    except ValueError:
        pass
    diags.error(where, line, f"template error: {exc.message or exc}",  # same text per page: reported once
                template_hint(exc, page.template))


def template_hint(exc: TemplateError, template: str) -> str:
    """The fix for a template's mistake: the loader's own (templatefiles.TemplateRefused), the sandbox's, or
    the usual one."""
    hint = getattr(exc, "hint", None)
    if isinstance(hint, str):
        return hint
    if isinstance(exc, SecurityError) or "is unsafe" in str(exc.message or ""):
        return ("templates may use only the values and functions the build gives them, not Python internals "
                "(names starting with `_`) or calls that change data; see docs/templates.md")
    return f"check this line of the template ({template}); every variable it uses must exist"
