"""One typed schema for every file an editor writes; converts positioned YAML text to values.

The key reference in the handbook is generated from these definitions
(`reference_markdown`), so documentation and checks cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from .diagnostics import Diagnostics
from .numbers import NumberFormatError, parse_number
from .source import Pos, YList, YMap, YText, YValue


@dataclass(frozen=True, slots=True, order=True)
class MeetingDate:
    """A meeting date; `day` is None when only the month is known."""

    year: int
    month: int
    day: int | None = None

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")

    def as_date(self) -> dt.date:
        """The first possible day (used for sorting and 'upcoming')."""
        return dt.date(self.year, self.month, self.day or 1)

    def last_date(self) -> dt.date:
        """The last possible day of the meeting."""
        if self.day:
            return self.as_date()
        nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True, order=True)
class ItemNumber:
    """An agenda item number such as 3.4 (section 3, item 4)."""

    section: int
    index: int

    def __str__(self) -> str:
        return f"{self.section}.{self.index}"


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a file: its type, whether it is required, and what it means."""

    name: str
    kind: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    schema: "Schema | None" = None  # for kind 'list' of mappings / 'map'
    item_kind: str = "text"  # for kind 'list' of scalars, or values of 'dict'
    example: str = ""
    default: Any = None
    limits: tuple[int, int] = (-999_999_999, 999_999_999)  # for kind 'int': the smallest and largest value


@dataclass(frozen=True, slots=True)
class Schema:
    """The keys one kind of file or list entry may have."""

    name: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(slots=True)
class Record:
    """Converted values of a mapping, with each key's position."""

    values: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, Pos] = field(default_factory=dict)
    pos: Pos = Pos(1, 1)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def line(self, key: str) -> int:
        return (self.positions.get(key) or self.pos).line


KIND_TEXT = {
    "text": "text",
    "markdown": "Markdown text",
    "int": "whole number",
    "timezone": "time zone name such as Europe/Copenhagen",
    "number": "number (Danish: 1.234,5)",
    "percent": "percentage (e.g. 50 %)",
    "date": "date YYYY-MM-DD, or YYYY-MM when only the month is known",
    "time": "time HH:MM",
    "item_number": "item number such as 3.4",
    "case": "case number such as SAG-2024-02570",
    "enum": "one of the listed words",
    "bool": "true or false",
    "url": "web address starting with https:// or http://",
    "path": "path relative to the file's folder",
    "slug": "lower-case letters, digits and '-'",
    "list": "list",
    "map": "mapping (indented keys)",
    "dict": "mapping of name: value",
}

_TRUE = {"true", "yes", "ja", "on"}
_FALSE = {"false", "no", "nej", "off"}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_ITEM = re.compile(r"^(\d{1,3})\.(\d{1,3})\.?$")
_CASE = re.compile(r"^[A-ZÆØÅ]{2,10}-\d{4}-\d{1,10}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def suggest(word: str, options: list[str]) -> str | None:
    """The closest known word, for 'did you mean' hints."""
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1, cutoff=0.6)
        if match:
            match = [o for o in options if o.lower() == match[0]]
    return match[0] if match else None


def _scalar(value: YValue, f: Field, diags: Diagnostics, path: str) -> YText | None:
    if isinstance(value, YText):
        return value
    what = "a list" if isinstance(value, YList) else "a mapping"
    diags.error(path, value.pos.line, f"'{f.name}' must be {KIND_TEXT.get(f.kind, f.kind)}, not {what}",
                _example_hint(f), value.pos.column)
    return None


def _example_hint(f: Field) -> str | None:
    if f.example:
        return f"write it like this: {f.name}: {f.example}"
    if f.kind == "enum":
        return f"use one of: {', '.join(f.choices)}"
    return f"expected for '{f.name}': {KIND_TEXT[f.kind]}" if f.kind in KIND_TEXT else None


def convert_scalar(kind: str, text: YText, f: Field, diags: Diagnostics, path: str,
                   locale: str = "da") -> Any:
    """Convert one scalar; on failure report a located error and return None."""
    raw = text.value.strip()
    line, col = text.pos.line, text.pos.column

    def fail(message: str, hint: str | None = None) -> None:
        diags.error(path, line, message, hint or _example_hint(f), col)

    if text.is_null or raw == "":
        fail(f"'{f.name}' is empty", "give it a value or remove the line")
        return None
    if kind in ("text", "markdown"):
        return raw if kind == "text" else text.value
    if kind == "int":
        if not re.fullmatch(r"-?\d+", raw):
            return fail(f"'{f.name}' must be a whole number, not '{raw[:40]}'")
        low, high = f.limits
        value = int(raw) if len(raw) <= 12 else None  # a 10,000-digit int is refused unread (and unprinted)
        if value is None or not low <= value <= high:
            return fail(f"'{f.name}' must be a whole number from {low} to {high}, not "
                        f"{raw if len(raw) <= 12 else raw[:12] + f'… ({len(raw):,} digits)'}",
                        f"write a whole number from {low} to {high}" + (f", e.g. {f.name}: {f.example}"
                                                                          if f.example else ""))
        return value
    if kind == "timezone":
        return _timezone(raw, fail)
    if kind in ("number", "percent"):
        candidate = raw[:-1].strip() if kind == "percent" and raw.endswith("%") else raw
        try:
            return parse_number(candidate, locale)
        except NumberFormatError as exc:
            return fail(f"'{f.name}': {exc}")
    if kind == "date":
        m = _DATE.match(raw)
        if m:
            year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
            try:
                dt.date(year, month, day or 1)
                return MeetingDate(year, month, day)
            except ValueError:
                pass
        return fail(f"'{f.name}' must be a date written YYYY-MM-DD (or YYYY-MM), not '{raw}'")
    if kind == "time":
        m = _TIME.match(raw)
        if m:
            return dt.time(int(m[1]), int(m[2]))
        return fail(f"'{f.name}' must be a time written HH:MM, not '{raw}'",
                    f'write it like this: {f.name}: "10:00"')
    if kind == "item_number":
        m = _ITEM.match(raw)
        if m and int(m[1]) > 0 and int(m[2]) > 0:
            return ItemNumber(int(m[1]), int(m[2]))
        return fail(f"'{f.name}' must be an item number such as 3.4, not '{raw}'")
    if kind == "case":
        if _CASE.match(raw):
            return raw
        return fail(f"'{f.name}' must be a case number such as SAG-2024-02570, not '{raw}'")
    if kind == "enum":
        if raw in f.choices:
            return raw
        close = suggest(raw, list(f.choices))
        hint = f"did you mean '{close}'?" if close else f"use one of: {', '.join(f.choices)}"
        return fail(f"'{f.name}' must be one of {', '.join(f.choices)}, not '{raw}'", hint)
    if kind == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        return fail(f"'{f.name}' must be true or false, not '{raw}'")
    if kind == "url":
        if re.match(r"^https?://[^\s/$.?#][^\s]*$", raw):
            return raw
        return fail(f"'{f.name}' must be a web address starting with https://, not '{raw}'")
    if kind == "slug":
        if _SLUG.match(raw):
            return raw
        return fail(f"'{f.name}' may only hold lower-case letters a-z, digits and '-', not '{raw}'")
    if kind == "path":
        return raw
    raise AssertionError(f"unknown kind {kind}")  # pragma: no cover


def _timezone(raw: str, fail: Callable[[str, str | None], None]) -> str | None:
    """A time zone name of the IANA database (as zoneinfo knows it); else a located error with the closest."""
    from zoneinfo import ZoneInfo, available_timezones

    try:
        ZoneInfo(raw)
        return raw
    except (KeyError, ValueError, OSError):  # not found is a KeyError; '../x' a ValueError; 'Europe' an OSError
        pass
    close = suggest(raw, sorted(available_timezones()))
    return fail(f"'{raw[:60]}' is not a known time zone",
                (f"did you mean '{close}'? " if close else "") + "use a name of the IANA time zone database, "
                "e.g. timezone: Europe/Copenhagen")


def check(value: YValue | None, schema: Schema, diags: Diagnostics, path: str,
          locale: str = "da", where: str = "") -> Record | None:
    """Check a mapping against a schema: unknown, missing and ill-typed keys become errors."""
    if value is None:
        value = YMap((), Pos(1, 1))
    if not isinstance(value, YMap):
        first = schema.fields[0]
        diags.error(path, value.pos.line, f"{where or schema.name} must be a mapping of 'key: value' lines",
                    f"write the keys indented under the '- ', e.g. '- {first.name}: {first.example or '...'}'"
                    if where.startswith("an entry") else "write one 'key: value' per line", value.pos.column)
        return None
    record = Record(pos=value.pos)
    names = [f.name for f in schema.fields]
    suggested: set[str] = set()  # a misspelt required key is reported once, as the misspelling
    ok = True
    for key, item in value.entries:
        f = schema.field(key.value)
        if f is None:
            close = suggest(key.value, names)
            if close:
                suggested.add(close)
            hint = f"did you mean '{close}'?" if close else f"known keys: {', '.join(names)}"
            diags.error(path, key.pos.line, f"unknown key '{key.value}'{' in ' + where if where else ''}", hint,
                        key.pos.column)
            ok = False
            continue
        record.positions[f.name] = key.pos
        converted = convert_value(item, f, diags, path, locale)
        if converted is None:
            ok = False
            continue
        record.values[f.name] = converted
    for f in schema.fields:
        if f.name not in record.values and f.name not in record.positions:
            if f.required and f.name in suggested:
                ok = False
            elif f.required:
                example = f" e.g. '{f.name}: {f.example}'" if f.example else ""
                diags.error(path, value.pos.line, f"missing required key '{f.name}'{' in ' + where if where else ''}",
                            f"add a line{example} ({f.doc.split('.')[0].lower()})")
                ok = False
            elif f.default is not None:
                record.values[f.name] = f.default
    return record if ok else record  # partial records let later checks continue


def convert_value(item: YValue, f: Field, diags: Diagnostics, path: str, locale: str = "da") -> Any:
    """Convert the value of one key by its field kind."""
    if f.kind == "list":
        if isinstance(item, YText) and item.is_null:
            return []
        if not isinstance(item, YList):
            diags.error(path, item.pos.line, f"'{f.name}' must be a list (lines starting with '- ')",
                        _example_hint(f), item.pos.column)
            return None
        out = []
        for element in item.items:
            if f.schema is not None:
                rec = check(element, f.schema, diags, path, locale, where=f"an entry of '{f.name}'")
                if rec is not None:
                    out.append(rec)
            else:
                text = _scalar(element, f, diags, path)
                if text is not None:
                    converted = convert_scalar(f.item_kind, text, f, diags, path, locale)
                    if converted is not None:
                        out.append((converted, text.pos))
        return out
    if f.kind == "map":
        assert f.schema is not None
        return check(item, f.schema, diags, path, locale, where=f"'{f.name}'")
    if f.kind == "dict":
        if not isinstance(item, YMap):
            diags.error(path, item.pos.line, f"'{f.name}' must be a mapping of 'name: value' lines",
                        _example_hint(f), item.pos.column)
            return None
        out = {}
        for key, element in item.entries:
            text = _scalar(element, f, diags, path)
            if text is not None:
                converted = convert_scalar(f.item_kind, text, f, diags, path, locale)
                if converted is not None:
                    out[key.value] = (converted, key.pos)
        return out
    text = _scalar(item, f, diags, path)
    if text is None:
        return None
    return convert_scalar(f.kind, text, f, diags, path, locale)


def reference_markdown(schema: Schema, level: int = 3) -> str:
    """Generate the handbook's key reference for one schema."""
    lines = [f"{'#' * level} {schema.name}", "", schema.doc, "", "| key | required | type | meaning |",
             "|---|---|---|---|"]
    nested: list[Schema] = []
    for f in schema.fields:
        kind = KIND_TEXT.get(f.kind, f.kind)
        if f.kind == "enum":
            kind = "one of " + ", ".join(f"`{c}`" for c in f.choices)
        if f.kind == "list" and f.schema is not None:
            kind = f"list of *{f.schema.name}*"
            nested.append(f.schema)
        elif f.kind == "map" and f.schema is not None:
            kind = f"*{f.schema.name}*"
            nested.append(f.schema)
        elif f.kind == "list":
            kind = f"list of {KIND_TEXT.get(f.item_kind, f.item_kind)}"
        doc = f.doc + (f" Example: `{f.name}: {f.example}`" if f.example else "")
        if f.default is not None:
            doc += f" Default: `{_fmt_default(f.default)}`."
        lines.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {kind} | {doc} |")
    lines.append("")
    for sub in nested:
        lines.append(reference_markdown(sub, level + 1))
    return "\n".join(lines)


def _fmt_default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    return str(value)

