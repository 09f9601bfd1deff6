"""YAML with a position for every value: every scalar is kept as text (`YText`), so YAML 1.1 never turns
`3.10` into 3.1, `10:00` into 600 or `no` into False; the schema converts text to types.

Aliases (`*name`) and nesting deeper than MAX_DEPTH are refused before composing: the work of reading a
file stays in proportion to its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

NULL_TAG = "tag:yaml.org,2002:null"
_NULLS = ("", "~", "null", "Null", "NULL")  # what YAML 1.1 reads as null (the only type the tags tell us here)

try:  # The C loader is ~10x faster and still gives positions.
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Base = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Tags a plain scalar as null or text only: every scalar stays text, so trying YAML's int, float, bool
    and date patterns on each (in Python, called from the C composer) was wasted."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in _NULLS else self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


@dataclass(frozen=True, slots=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class YText:
    """A YAML scalar as written, with its position; `quoted` if it was in quotes."""

    value: str
    pos: Pos
    quoted: bool = False
    is_null: bool = False


@dataclass(frozen=True, slots=True)
class YList:
    """A YAML sequence with its position."""

    items: tuple
    pos: Pos


@dataclass(frozen=True, slots=True)
class YMap:
    """A YAML mapping: keys (as YText) to values, in file order."""

    entries: tuple  # tuple[tuple[YText, value], ...]
    pos: Pos

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.entries]

    def get(self, key: str):
        for k, v in self.entries:
            if k.value == key:
                return v
        return None


YValue = YText | YList | YMap


class SourceError(Exception):
    """A file that cannot be read as text + YAML; carries the place."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def parse_yaml(text: str, line_offset: int = 0) -> YValue | None:
    """Parse YAML into positioned text values; `line_offset` is added to every line."""
    if "\t" in text:
        for number, line in enumerate(text.split("\n"), start=1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise SourceError("a tab character is used for indentation", number + line_offset,
                                  len(line) - len(stripped) + 1,
                                  "YAML indents with spaces only: replace the tab with spaces")
    try:
        if "*" in text or _depth_bound(text) > MAX_DEPTH:
            _check_structure(text, line_offset)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept, e.g. pasted control codes
        before = text[: exc.position]
        line = before.count("\n") + 1 + line_offset
        column = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise SourceError(f"the front matter contains the invisible control character U+{ord(char):04X}", line,
                          column, "delete it and type the text again; such characters come from "
                          "copying out of PDF or Word files") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML: {exc}", line_offset + 1, None,
                          "check the indentation (spaces only) and quotes") from None
    if node is None:
        return None
    return _convert(node, line_offset)


MAX_DEPTH = 50  # lists and mappings inside each other; editors' files need fewer than 10


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth, counted cheaply: every level starts with a line, '-', '?', ':',
    or a bracket ('[a: b]' is two levels), so text with few of them cannot nest deeply."""
    return 2 * (text.count("[") + text.count("{")) + text.count("-") + text.count("?") + text.count(":") \
        + text.count("\n") + 1


def _check_structure(text: str, line_offset: int) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is composed: an alias bomb
    ("billion laughs") expands exponentially, and 100,000 nested brackets overflow the C composer."""
    try:
        _walk_events(text, line_offset)
    except yaml.MarkedYAMLError as exc:  # PyYAML 6.0.4 and later stop at their own depth, scanning ahead
        if "nesting depth" not in (exc.problem or "") or exc.problem_mark is None:
            raise
        raise _too_deep(exc.problem_mark.line + 1 + line_offset, exc.problem_mark.column + 1) from None


def _too_deep(line: int, column: int) -> SourceError:
    return SourceError(f"lists and mappings are nested more than {MAX_DEPTH} levels deep", line, column,
                       "an agenda file needs only a few levels: check the brackets and indentation")


def _walk_events(text: str, line_offset: int) -> None:
    depth, anchors = 0, {}
    for event in yaml.parse(text, Loader=_Loader):
        line, column = event.start_mark.line + 1 + line_offset, event.start_mark.column + 1
        if isinstance(event, yaml.AliasEvent):
            name = event.anchor
            where = f" marked '&{name}' on line {anchors[name]}" if name in anchors else f" marked '&{name}'"
            raise SourceError(f"'*{name}' is a YAML alias (it repeats the value{where}); aliases are not "
                              "accepted", line, column, "write the value out again here; if the text "
                              f"'*{name}' is meant, put it in quotes: \"*{name}\"")
        if getattr(event, "anchor", None) is not None:  # node events only
            anchors[event.anchor] = line
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(line, column)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_UNCLOSED = {"while scanning a quoted scalar": "invalid YAML: the quote that starts here is not closed",
             "while parsing a flow sequence": "invalid YAML: the '[' that starts here is not closed",
             "while parsing a flow mapping": "invalid YAML: the '{' that starts here is not closed"}


def _syntax_error(exc: yaml.MarkedYAMLError, line_offset: int) -> SourceError:
    """A YAML syntax error at its place; an unclosed quote or bracket is shown where it opens, not where the
    parser gave up (often the end of the front matter, lines later)."""
    opened = _UNCLOSED.get(exc.context or "")
    if opened and exc.context_mark and (exc.problem_mark is None or exc.problem_mark.line != exc.context_mark.line):
        mark = exc.context_mark
        return SourceError(opened, mark.line + 1 + line_offset, mark.column + 1,
                           "close it on the same line, e.g. title: \"Punkt: tekst\"" if "quote" in opened else
                           "close it after the last entry, e.g. columns: [key, share, amount]")
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    line = mark.line + 1 + line_offset if mark else None
    column = mark.column + 1 if mark else None
    return SourceError(f"invalid YAML: {problem}", line, column, _yaml_hint(problem))


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be put in quotes, e.g. title: \"Punkt: tekst\""
    if "found character" in problem and "cannot start any token" in problem:
        return "put the value in double quotes"
    if "could not find expected ':'" in problem:
        return "every line in the front matter must be 'key: value'; check indentation and quotes"
    return "check the indentation (spaces only) and put values with special characters in quotes"


_position = lru_cache(maxsize=4096)(Pos)  # positions recur from file to file: shared, not made again


def _pos(node: yaml.Node, offset: int) -> Pos:
    return _position(node.start_mark.line + 1 + offset, node.start_mark.column + 1)


def _convert(node: yaml.Node, offset: int) -> YValue:
    if isinstance(node, yaml.ScalarNode):
        style = node.style
        return YText(node.value, _pos(node, offset), style == "'" or style == '"',
                     not style and node.tag == NULL_TAG)  # plain: style '' from the C loader, None from Python's
    if isinstance(node, yaml.SequenceNode):
        return YList(tuple([_convert(child, offset) for child in node.value]), _pos(node, offset))
    if isinstance(node, yaml.MappingNode):
        entries = []
        seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, offset)
            if not isinstance(key, YText):
                raise SourceError("a key must be a plain word", key.pos.line, key.pos.column,
                                  "write 'key: value', e.g. title: Godkendelse af dagsorden")
            if key.value in seen:
                raise SourceError(f"the key '{key.value}' appears twice (first on line {seen[key.value].line})",
                                  key.pos.line, key.pos.column, "remove or rename one of them")
            seen[key.value] = key.pos
            entries.append((key, _convert(value_node, offset)))
        return YMap(tuple(entries), _pos(node, offset))
    raise SourceError("unsupported YAML node", _pos(node, offset).line)  # pragma: no cover
