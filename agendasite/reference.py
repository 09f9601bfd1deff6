"""The editors' key reference (docs/reference.md), generated from the schemas so it cannot drift.

Regenerate with `python build.py reference` (or `python -m agendasite.reference`); a test fails
when the committed file differs from what the schemas say.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .schema import KIND_TEXT, reference_markdown
from . import schemas

DEFAULT_OUT = Path("docs/reference.md")

HEADER = """# Key reference

<!-- Generated from agendasite/schemas.py by `python build.py reference`; do not edit by hand. -->

Every key an editor may write, file by file: whether it is required, its type,
and what it means. A key that is not listed here is an error (the build
suggests the closest known key), and so is a missing required key or a value
of the wrong type. How the build reports these problems is described in
[errors.md](errors.md).
"""


def reference_text() -> str:
    """The whole reference: one section per schema in ALL_SCHEMAS, then the value types."""
    parts = [HEADER]
    for schema in schemas.ALL_SCHEMAS:
        parts.append(reference_markdown(schema, level=2))
    parts.append("## Value types\n")
    parts.append("| type | how to write it |")
    parts.append("|---|---|")
    for kind, text in KIND_TEXT.items():
        parts.append(f"| `{kind}` | {text} |")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or, with --check, compare) the reference file."""
    parser = argparse.ArgumentParser(prog="build.py reference",
                                     description="Generate the key reference from the schemas.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE",
                        help=f"where to write it (default: {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true", help="only report whether the file is up to date")
    args = parser.parse_args(argv)
    text = reference_text()
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.out} is out of date; run: python build.py reference", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
