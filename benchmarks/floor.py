"""The floor: the least any Python generator must do per item, in one process.

Read the file, split the front matter, YAML with the C loader, markdown-it-py render (commonmark +
tables), one render of a compiled Jinja template, write one index.html. Nothing else.
Usage: python benchmarks/floor.py CONTENT_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from jinja2 import Environment
from markdown_it import MarkdownIt

PAGE = Environment(autoescape=True).from_string(
    "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>{{ number }} {{ title }}</title></head>"
    "<body><main><h1>{{ number }} {{ title }}</h1>{{ body|safe }}</main></body></html>\n")


def main(content: Path, out: Path) -> int:
    """Build one page per item file; return how many."""
    md = MarkdownIt("commonmark").enable("table")
    count = 0
    for meeting in sorted(p for p in content.iterdir() if p.is_dir()):
        for path in sorted(meeting.glob("*.md")):
            if path.name == "meeting.md":
                continue
            text = path.read_text(encoding="utf-8")
            _, front, body = text.split("---\n", 2)
            meta = yaml.load(front, Loader=yaml.CSafeLoader)
            html = PAGE.render(number=meta["number"], title=meta["title"], body=md.render(body))
            target = out / meeting.name / path.stem
            target.mkdir(parents=True, exist_ok=True)
            (target / "index.html").write_text(html, encoding="utf-8")
            count += 1
    return count


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), Path(sys.argv[2])))
