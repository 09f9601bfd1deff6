"""One typed schema for every file an editor writes: the keys each kind of file may have, their kinds.

The key reference in the handbook is generated from these definitions
(`reference_markdown`), so documentation and checks cannot drift apart; validate.py checks files by them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .yamlpos import Pos


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

def suggest(word: str, options: list[str]) -> str | None:
    """The closest known word, for 'did you mean' hints."""
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1, cutoff=0.6)
        if match:
            match = [o for o in options if o.lower() == match[0]]
    return match[0] if match else None


def example_hint(f: Field) -> str | None:
    if f.example:
        return f"write it like this: {f.name}: {f.example}"
    if f.kind == "enum":
        return f"use one of: {', '.join(f.choices)}"
    return f"expected for '{f.name}': {KIND_TEXT[f.kind]}" if f.kind in KIND_TEXT else None


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

