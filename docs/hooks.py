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

INTRO = """# Front matter and configuration reference

Every key that `site_config.yml`, a meeting file, an item file, an annex entry and a Markdown
annex document may have. This page is generated from the same schema the build checks files
against, so it always matches the build: a key not listed here is an error, and the build
suggests the closest known key.

Values are text in YAML; quote them only where YAML demands it (a value starting with `*`,
`&`, `!`, `[`, `{`, `>`, `|`, `@`, `` ` ``, `%`, or containing `: ` or ` #`). `3.10` stays
the item number 3.10 and `10:00` stays a time.

"""


def reference_page() -> str:
    """The whole reference page, one section per schema."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # the package of this checkout, even when not installed
    from agendasite.schema import reference_markdown
    from agendasite.schemas import ALL_SCHEMAS

    return INTRO + "\n".join(reference_markdown(schema, level=2) for schema in ALL_SCHEMAS)


def on_files(files: Files, config) -> Files:
    """Add the generated reference page unless docs/ already holds a written one."""
    if files.get_file_from_path(REFERENCE) is None:
        files.append(File.generated(config, REFERENCE, content=reference_page()))
    return files
