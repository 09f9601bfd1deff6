"""The front matter and configuration reference, generated from the schemas so it cannot drift.

The handbook's reference page is this text (docs/hooks.py writes it at handbook build time);
`python build.py reference` prints it, or writes it with `--out FILE`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..source.schema import reference_markdown

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
    """The whole reference page, one section per schema in ALL_SCHEMAS."""
    from ..source.schemas import ALL_SCHEMAS

    return INTRO + "\n".join(reference_markdown(schema, level=2) for schema in ALL_SCHEMAS)


def main(argv: list[str] | None = None) -> int:
    """Print the reference, or write it to --out."""
    parser = argparse.ArgumentParser(prog="build.py reference",
                                     description="Print the key reference generated from the schemas.")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE", help="write it to FILE")
    args = parser.parse_args(argv)
    text = reference_page()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
