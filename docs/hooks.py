"""MkDocs hook: write the front-matter and configuration reference from agendasite's schema.

The reference is never typed: the page `reference.md` is generated at build time from
`agendasite.schemas.ALL_SCHEMAS`, so the handbook cannot drift from what the build checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parent.parent
REFERENCE = "reference.md"


def reference_page() -> str:
    """The whole reference page (agendasite.reference: also `python build.py reference`)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # the package of this checkout, even when not installed
    from agendasite.reference import reference_page as page

    return page()


def on_files(files: Files, config) -> Files:
    """Add the generated reference page unless docs/ already holds a written one."""
    if files.get_file_from_path(REFERENCE) is None:
        files.append(File.generated(config, REFERENCE, content=reference_page()))
    return files
