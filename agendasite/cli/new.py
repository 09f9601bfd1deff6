"""`build.py new item MEETING` and `build.py new meeting`: start a file that is already valid."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..diagnostics import Diagnostics, format_diagnostic
from ..load.meetings import MEETING_FILE
from ..model import Config, ItemNumber, MeetingDate
from ..source.config import load_config
from ..source.files import read_source
from ..source.schema import Field
from ..source.schemas import MEETING
from ..source.urls import slugify
from ..source.validate import check, convert_scalar
from ..source.yamlpos import Pos, SourceError, YText

_NUMBER_LINE = re.compile(r"^number:\s*[\"']?(\d{1,3})\.(\d{1,3})\.?[\"']?\s*(#.*)?$", re.MULTILINE)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py new", description="Start a new agenda item or meeting.")
    parser.add_argument("--config", type=Path, default=Path("site_config.yml"), metavar="FILE",
                        help="the site configuration (default: site_config.yml)")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="item|meeting")
    item = kinds.add_parser("item", help="a new item file in a meeting folder, with the next free number")
    item.add_argument("meeting", help="the meeting folder (its name under content/, or its path)")
    item.add_argument("--title", default=None, help="the item's title")
    item.add_argument("--section", type=int, default=None,
                      help="the section to add the item to (default: the last section)")
    meeting = kinds.add_parser("meeting", help="a new meeting folder with meeting.md")
    meeting.add_argument("--date", required=True, help="the meeting date, YYYY-MM-DD (or YYYY-MM)")
    meeting.add_argument("--body", required=True, help="the body that meets, e.g. 'KKR Hovedstaden'")
    meeting.add_argument("--title", default="Dagsorden", help="the document title (default: Dagsorden)")
    meeting.add_argument("--start", default=None, help="the start time, HH:MM")
    meeting.add_argument("--place", default=None, help="where the meeting is held")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Create the file; print its path, or the problem with a hint (exit 1)."""
    args = make_parser().parse_args(argv)
    diags = Diagnostics()
    config = load_config(args.config, diags)
    if config is None:
        _print(diags)
        return 1
    path = new_item(config, args.meeting, args.title, args.section, diags) if args.kind == "item" \
        else new_meeting(config, args.date, args.body, args.title, args.start, args.place, diags)
    _print(diags)
    if path is None:
        return 1
    print(f"created {path}")
    return 0


def _print(diags: Diagnostics) -> None:
    for diag in diags.sorted():
        print(format_diagnostic(diag), file=sys.stderr)


def _yaml_text(value: str) -> str:
    """A YAML scalar that stays text whatever it holds."""
    if re.fullmatch(r"[\w æøåÆØÅ.,()/–-]+", value) and not value[0].isdigit() and value.strip() == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _meeting_folder(config: Config, meeting: str) -> Path:
    candidate = Path(meeting)
    if (candidate / MEETING_FILE).is_file():
        return candidate
    return Path(config.content_dir) / meeting.strip("/")


def next_number(folder: Path, sections: list[int], section: int | None) -> ItemNumber:
    """The next free number: one after the highest item of the section (the last section by default)."""
    target = section if section is not None else (max(sections) if sections else 1)
    highest = 0
    for path in folder.glob("*.md"):
        if path.name == MEETING_FILE:
            continue
        for match in _NUMBER_LINE.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if int(match[1]) == target:
                highest = max(highest, int(match[2]))
            break
    return ItemNumber(target, highest + 1)


def new_item(config: Config, meeting: str, title: str | None, section: int | None,
             diags: Diagnostics) -> Path | None:
    """Write `<s>-<i>-<slug>.md` in the meeting folder with every required key."""
    folder = _meeting_folder(config, meeting)
    meeting_path = folder / MEETING_FILE
    if not meeting_path.is_file():
        diags.error(str(folder), None, f"there is no meeting here ({MEETING_FILE} not found)",
                    "name an existing meeting folder, or start one with: python build.py new meeting "
                    "--date YYYY-MM-DD --body NAME")
        return None
    try:
        src = read_source(meeting_path, str(meeting_path))
    except SourceError as exc:
        diags.error(str(meeting_path), exc.line, exc.message, exc.hint, exc.column)
        return None
    record = check(src.front, MEETING, diags, str(meeting_path), config.language)
    if diags.has_errors or record is None:
        return None
    sections = [s.get("number") for s in record.get("sections", []) if s.get("number") is not None]
    if section is not None and section not in sections:
        diags.error(str(meeting_path), record.line("sections"), f"section {section} is not declared",
                    f"declared sections: {', '.join(map(str, sections)) or 'none'}; add it to 'sections' first")
        return None
    number = next_number(folder, sections, section)
    title = title or "Ny sag"
    path = folder / f"{number.section}-{number.index}-{slugify(title)}.md"
    if path.exists():
        diags.error(str(path), None, "the file exists already", "choose another title")
        return None
    path.write_text(
        "---\n"
        f"number: {number}\n"
        f"title: {_yaml_text(title)}\n"
        "# case: SAG-2024-00000\n"
        "# officer: abc\n"
        "# public: false        # a closed item: only its number (and title) are published\n"
        "# annexes:\n"
        "#   - title: Bilag 1\n"
        "#     file: bilag/bilag-1.pdf\n"
        "---\n"
        "## Baggrund\n\n"
        "Skriv sagens baggrund her.\n\n"
        f"## {config.recommendation_heading}\n\n"
        "Det indstilles, at ...\n", encoding="utf-8")
    return path


def new_meeting(config: Config, date: str, body: str, title: str, start: str | None, place: str | None,
                diags: Diagnostics) -> Path | None:
    """Write `<date>-<body>/meeting.md` with body, date and one section."""
    options = Diagnostics()  # problems with the command's options have no line
    parsed = convert_scalar("date", YText(date, Pos(1, 1)), Field("date", "date", "", example="2030-01-15"),
                            options, "--date")
    if start is not None:
        convert_scalar("time", YText(start, Pos(1, 1)), Field("start", "time", ""), options, "--start")
    for d in options.items:
        diags.error(d.path, None, d.message.replace("'date'", "the date").replace("'start'", "the start time"),
                    f"for example {d.path} 2030-01-15" if d.path == "--date" else f"for example {d.path} 10:00")
    if not isinstance(parsed, MeetingDate) or diags.has_errors:
        return None
    folder = Path(config.content_dir) / f"{parsed.iso()}-{slugify(body)}"
    if folder.exists():
        diags.error(str(folder), None, "this meeting folder exists already",
                    f"add items to it with: python build.py new item {folder.name}")
        return None
    folder.mkdir(parents=True)
    lines = ["---", f"body: {_yaml_text(body)}", f"title: {_yaml_text(title)}", f"date: {parsed.iso()}"]
    if start:
        lines.append(f'start: "{start}"')
    if place:
        lines.append(f"place: {_yaml_text(place)}")
    lines += ["status: planned", "sections:", "  - number: 1", "    title: Godkendelse af dagsorden",
              "  - number: 2", "    title: Sager", "---", ""]
    path = folder / MEETING_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
