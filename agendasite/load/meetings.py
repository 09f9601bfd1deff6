"""Load and validate content/: meeting folders and item files become the model, or located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from ..diagnostics import Diagnostics
from ..markdown.parser import RenderContext, Rendered, make_parser
from ..markdown.sanitize import ENV_KEY
from ..markdown.sitelinks import LinkCollector
from ..model import Config, Item, ItemNumber, Meeting, Section, Site
from ..source.files import SourceFile
from ..source.schemas import ITEM, MEETING
from ..source.urls import slugify
from ..source.validate import check
from .annexes import load_annex
from .context import LoadContext, inside, read_file, render_body
from .folders import DATA_DIR, MEETING_FILE, name_problem, not_a_file, scan_meeting_folders


def load_site(config: Config, diags: Diagnostics, gettext: Callable[[str], str], today: dt.date,
              links: LinkCollector | None = None,
              load_meetings: Callable[[list[Path], LoadContext], list[Meeting | None]] | None = None) -> Site:
    """Read every meeting under content/; errors go to `diags`. `load_meetings` (folders -> meetings, in
    order) replaces reading them one by one here: steps.py takes unchanged ones from its cache."""
    content = Path(config.content_dir)
    ctx = LoadContext(config, diags, make_parser(), gettext, content, Path.cwd().resolve(), links=links)
    meetings: list[Meeting] = []
    if not content.is_dir():
        diags.error(ctx.rel(content), None, "the content folder does not exist",
                    "create it, or set content_dir in site_config.yml")
        return Site(config, (), today)
    from ..source.data import load_data_dir

    ctx.data = load_data_dir(content / DATA_DIR, diags, ctx.rel, config.language)
    folders = scan_meeting_folders(content, ctx)
    loaded = load_meetings(folders, ctx) if load_meetings else None
    for index, folder in enumerate(folders):
        folder_rel = ctx.current = ctx.rel(folder)
        try:
            meeting = loaded[index] if loaded is not None else load_meeting(folder, ctx)
        except Exception as exc:  # name the file for the internal-error message (pipeline.build)
            exc.agendasite_path = ctx.current  # type: ignore[attr-defined]
            raise
        if meeting is not None and meeting.public:
            meetings.append(meeting)
        elif meeting is not None and links is not None:  # a closed meeting's links lead nowhere public
            links.links[:] = [link for link in links.links if not link.source.startswith(folder_rel + "/")]
    meetings.sort(key=lambda m: (m.date.as_date(), m.start or dt.time(0), m.slug), reverse=True)
    return Site(config, tuple(meetings), today, data=ctx.data)


def load_meeting(folder: Path, ctx: LoadContext) -> Meeting | None:
    """Load one meeting folder: meeting.md and its item files."""
    rel_folder = ctx.rel(folder)
    slug = folder.name
    if slugify(slug) != slug:
        ctx.diags.error(rel_folder, None, f"the meeting folder name '{slug}' is not a valid URL name: "
                        f"{name_problem(slug)}", f"rename the folder to '{slugify(slug)}' (the name is the meeting's "
                        "address: lower-case a-z, digits and '-'; æ → ae, ø → o, å → a)")
        return None
    meeting_path = folder / MEETING_FILE
    if not inside(meeting_path, ctx.content, ctx):
        ctx.diags.error(rel_folder, None, "the meeting folder (or its meeting.md) is a link to a place outside "
                        "the content folder", "copy the meeting into content/ instead of linking to it")
        return None
    if not meeting_path.is_file():
        what = not_a_file(meeting_path)
        if what:
            ctx.diags.error(ctx.rel(meeting_path), None, f"this is {what}, not a file",
                            f"{MEETING_FILE} is a text file with the meeting's front matter: replace it with one")
            return None
        ctx.diags.error(rel_folder, None, f"the meeting folder has no {MEETING_FILE}",
                        f"add {MEETING_FILE} with the meeting's front matter (body, date, sections)")
        return None
    src = read_file(meeting_path, ctx)
    if src is None:
        return None
    rec = check(src.front, MEETING, ctx.diags, src.rel, ctx.config.language)
    if rec is None or "date" not in rec.values or "body" not in rec.values:
        return None
    url = f"{slug}/"
    sections_decl: dict[int, tuple[str, int]] = {}
    for sec in rec.get("sections", []):
        number, title = sec.get("number"), sec.get("title")
        if number is None:
            continue
        if number in sections_decl:
            ctx.diags.error(src.rel, sec.line("number"), f"section {number} is declared twice "
                            f"(first on line {sections_decl[number][1]})", "give each section its own number")
            continue
        sections_decl[number] = (title, sec.line("number"))
    preamble = render_body(src.body, src, ctx)
    notes = tuple(ctx.md.renderInline(text, {ENV_KEY: RenderContext(src.rel, pos.line - 1, ctx.config.language,
                                                                     ctx.diags, ctx.gettext, "", ctx.links)})
                  for text, pos in rec.get("notes", []))

    items: list[Item] = []
    item_paths = [path for path in sorted(folder.glob("*.md")) if path.name != MEETING_FILE
                  and path.is_file()]  # the others are reported by scan_meeting_folders
    for path in item_paths:
        item = load_item(path, slug, ctx)
        if item is not None:
            items.append(item)
    _check_items(items, sections_decl, src, ctx,
                 complete=not rec.get("partial", False) and len(items) == len(item_paths))
    items.sort(key=lambda it: (it.number, it.slug))
    sections = tuple(
        Section(number, title, tuple(it for it in items if it.number.section == number))
        for number, (title, _) in sorted(sections_decl.items())
    )
    return Meeting(
        slug=slug, url=url, body=rec.get("body"), title=rec.get("title"), date=rec.get("date"),
        start=rec.get("start"), end=rec.get("end"), place=rec.get("place"), notes=notes,
        status=rec.get("status"), public=rec.get("public", True), preamble_html=preamble.html,
        sections=sections, source=src.rel,
    )


def _check_items(items: list[Item], sections: dict[int, tuple[str, int]], meeting: SourceFile,
                 ctx: LoadContext, complete: bool = True) -> None:
    seen: dict[ItemNumber, Item] = {}
    for item in sorted(items, key=lambda it: it.source):
        if item.number in seen:
            ctx.diags.error(item.source, ctx.number_lines.get(item.source, 2), f"item number {item.number} is also used by {seen[item.number].source}",
                            "give each item its own number")
        else:
            seen[item.number] = item
        if item.number.section not in sections:
            declared = ", ".join(str(n) for n in sorted(sections)) or "none"
            ctx.diags.error(item.source, ctx.number_lines.get(item.source, 2), f"item {item.number} belongs to section {item.number.section}, "
                            f"which {meeting.rel} does not declare (declared: {declared})",
                            f"add section {item.number.section} to 'sections' in {meeting.rel}, "
                            "or correct the item number")
    if complete:  # an item that failed to load would look like a gap
        _check_gaps(seen, sections, meeting, ctx)


def _check_gaps(seen: dict[ItemNumber, Item], sections: dict[int, tuple[str, int]], meeting: SourceFile,
                ctx: LoadContext) -> None:
    """Numbers within a section run 1, 2, 3, ...: a gap is probably a missing item file (a warning)."""
    for section in sorted(sections):
        numbers = sorted(n for n in seen if n.section == section)
        expected = 1
        for number in numbers:
            if number.index > expected:
                missing = ", ".join(f"{section}.{i}" for i in range(expected, number.index))
                ctx.diags.warning(seen[number].source, ctx.number_lines.get(seen[number].source, 2), f"item {number} follows "
                                  f"{f'{section}.{expected - 1}' if expected > 1 else f'the start of section {section}'}"
                                  f"; no item has the number {missing}",
                                  "add the missing item, or renumber the items of the section")
            expected = number.index + 1


def load_item(path: Path, meeting_slug: str, ctx: LoadContext) -> Item | None:
    """Load one item file: front matter checked, body rendered, annexes resolved."""
    if not inside(path, ctx.content, ctx):
        ctx.diags.error(ctx.rel(path.parent) + "/" + path.name, None,
                        "this file is a link to a file outside the content folder",
                        "copy the file into the meeting folder instead of linking to it")
        return None
    src = read_file(path, ctx)
    if src is None:
        return None
    slug = path.stem
    if slugify(slug) != slug:
        ctx.diags.error(src.rel, None, f"the file name '{path.name}' does not make a valid URL: "
                        f"{name_problem(slug)}", f"rename it to '{slugify(slug)}.md' (lower-case a-z, digits "
                        "and '-'; æ → ae, ø → o, å → a)")
        return None
    rec = check(src.front, ITEM, ctx.diags, src.rel, ctx.config.language)
    if rec is None or "number" not in rec.values or "title" not in rec.values:
        return None
    url = f"{meeting_slug}/{slug}/"
    ctx.number_lines[src.rel] = rec.line("number")
    public = rec.get("public", True)
    annexes = tuple(a for a in (load_annex(entry, path.parent, meeting_slug, src, ctx, public)
                                for entry in rec.get("annexes", [])) if a is not None)
    rendered = render_body(src.body, src, ctx)  # a closed item's body is checked too, then dropped
    if not public:
        rendered = Rendered("", (), ())
    rec_heading = ctx.config.recommendation_heading.casefold()
    dec_heading = ctx.config.decision_heading.casefold()
    recommendation = next((s.html for s in rendered.subsections if s.heading.casefold() == rec_heading), None)
    decision = next((s.html for s in rendered.subsections if s.heading.casefold() == dec_heading), None)
    return Item(
        meeting_slug=meeting_slug, slug=slug, url=url, number=rec.get("number"), title=rec.get("title"),
        case=rec.get("case"), officer=rec.get("officer"), public=public, annexes=annexes,
        subsections=rendered.subsections, recommendation_html=recommendation,
        decision_html=decision, tables=rendered.tables, source=src.rel,
    )
