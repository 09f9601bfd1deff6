"""Checking an editor's file against its schema: unknown, missing and ill-typed keys become located errors,
and text becomes values (numbers the locale's way, dates, times, item numbers, ...)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Callable

from ..diagnostics import Diagnostics
from ..model import ItemNumber, MeetingDate
from .numbers import NumberFormatError, parse_number
from .schema import KIND_TEXT, Field, Record, Schema, example_hint, suggest
from .yamlpos import Pos, YList, YMap, YText, YValue

_TRUE = {"true", "yes", "ja", "on"}
_FALSE = {"false", "no", "nej", "off"}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_ITEM = re.compile(r"^(\d{1,3})\.(\d{1,3})\.?$")
_CASE = re.compile(r"^[A-ZÆØÅ]{2,10}-\d{4}-\d{1,10}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def _scalar(value: YValue, f: Field, diags: Diagnostics, path: str) -> YText | None:
    if isinstance(value, YText):
        return value
    what = "a list" if isinstance(value, YList) else "a mapping"
    diags.error(path, value.pos.line, f"'{f.name}' must be {KIND_TEXT.get(f.kind, f.kind)}, not {what}",
                example_hint(f), value.pos.column)
    return None


Fail = Callable[..., None]  # reports a located error: fail(message, hint=None)


def convert_scalar(kind: str, text: YText, f: Field, diags: Diagnostics, path: str,
                   locale: str = "da") -> Any:
    """Convert one scalar; on failure report a located error and return None."""
    raw = text.value.strip()
    line, col = text.pos.line, text.pos.column

    def fail(message: str, hint: str | None = None) -> None:
        diags.error(path, line, message, hint or example_hint(f), col)

    if text.is_null or raw == "":
        fail(f"'{f.name}' is empty", "give it a value or remove the line")
        return None
    if kind == "markdown":
        return text.value
    converter = _CONVERTERS.get(kind)
    if converter is None:  # pragma: no cover
        raise AssertionError(f"unknown kind {kind}")
    return converter(raw, f, fail, locale)


def _int(raw: str, f: Field, fail: Fail, locale: str) -> int | None:
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


def _number(raw: str, f: Field, fail: Fail, locale: str) -> Decimal | None:
    try:
        return parse_number(raw, locale)
    except NumberFormatError as exc:
        return fail(f"'{f.name}': {exc}")


def _percent(raw: str, f: Field, fail: Fail, locale: str) -> Decimal | None:
    return _number(raw[:-1].strip() if raw.endswith("%") else raw, f, fail, locale)


def _date(raw: str, f: Field, fail: Fail, locale: str) -> MeetingDate | None:
    m = _DATE.match(raw)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
        try:
            dt.date(year, month, day or 1)
            return MeetingDate(year, month, day)
        except ValueError:
            pass
    return fail(f"'{f.name}' must be a date written YYYY-MM-DD (or YYYY-MM), not '{raw}'")


def _time(raw: str, f: Field, fail: Fail, locale: str) -> dt.time | None:
    m = _TIME.match(raw)
    if m:
        return dt.time(int(m[1]), int(m[2]))
    return fail(f"'{f.name}' must be a time written HH:MM, not '{raw}'", f'write it like this: {f.name}: "10:00"')


def _item_number(raw: str, f: Field, fail: Fail, locale: str) -> ItemNumber | None:
    m = _ITEM.match(raw)
    if m and int(m[1]) > 0 and int(m[2]) > 0:
        return ItemNumber(int(m[1]), int(m[2]))
    return fail(f"'{f.name}' must be an item number such as 3.4, not '{raw}'")


def _enum(raw: str, f: Field, fail: Fail, locale: str) -> str | None:
    if raw in f.choices:
        return raw
    close = suggest(raw, list(f.choices))
    hint = f"did you mean '{close}'?" if close else f"use one of: {', '.join(f.choices)}"
    return fail(f"'{f.name}' must be one of {', '.join(f.choices)}, not '{raw}'", hint)


def _bool(raw: str, f: Field, fail: Fail, locale: str) -> bool | None:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    return fail(f"'{f.name}' must be true or false, not '{raw}'")


def _matching(pattern: re.Pattern[str], message: str) -> Callable[[str, Field, Fail, str], str | None]:
    """A converter that keeps text matching `pattern`, else reports `message` (with the key and the text)."""
    def convert(raw: str, f: Field, fail: Fail, locale: str) -> str | None:
        return raw if pattern.match(raw) else fail(message.format(name=f.name, raw=raw))
    return convert


def _timezone(raw: str, f: Field, fail: Fail, locale: str) -> str | None:
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


_CONVERTERS: dict[str, Callable[[str, Field, Fail, str], Any]] = {
    "text": lambda raw, f, fail, locale: raw, "path": lambda raw, f, fail, locale: raw,
    "int": _int, "timezone": _timezone, "number": _number, "percent": _percent, "date": _date, "time": _time,
    "item_number": _item_number, "enum": _enum, "bool": _bool,
    "case": _matching(_CASE, "'{name}' must be a case number such as SAG-2024-02570, not '{raw}'"),
    "url": _matching(_URL, "'{name}' must be a web address starting with https://, not '{raw}'"),
    "slug": _matching(_SLUG, "'{name}' may only hold lower-case letters a-z, digits and '-', not '{raw}'"),
}

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
                        example_hint(f), item.pos.column)
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
                        example_hint(f), item.pos.column)
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
