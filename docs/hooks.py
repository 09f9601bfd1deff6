"""MkDocs hook: write the front-matter and configuration reference from agendasite's schema; valid HTML.

The reference is never typed: the page `reference.md` is generated at build time from
`agendasite.source.schemas.ALL_SCHEMAS`, so the handbook cannot drift from what the build checks.

Material's base.html (not a partial, so not overridable without copying the whole page) gives its two
hidden menu checkboxes `autocomplete="off"`, which HTML allows only on text-like inputs: the Nu HTML
Checker reports it twice on every page. The hook drops exactly that attribute from exactly those inputs.
"""

from __future__ import annotations

import sys
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parent.parent
REFERENCE = "reference.md"
# Material 9.x: <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')


def reference_page() -> str:
    """The whole reference page (agendasite.commands.reference: also `python build.py reference`)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # the package of this checkout, even when not installed
    from agendasite.cli.reference import reference_page as page

    return page()


def on_files(files: Files, config) -> Files:
    """Add the generated reference page unless docs/ already holds a written one."""
    if files.get_file_from_path(REFERENCE) is None:
        files.append(File.generated(config, REFERENCE, content=reference_page()))
    return files


def valid_html(html: str) -> str:
    """The page without `autocomplete` on Material's menu checkboxes (invalid on type=checkbox)."""
    return CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)


def on_post_page(output: str, page, config) -> str:
    """Every Markdown page."""
    return valid_html(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    """Pages from templates only, such as 404.html."""
    return valid_html(output_content) if template_name.endswith(".html") else output_content
