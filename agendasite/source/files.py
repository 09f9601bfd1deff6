"""Reading editors' files: text that is safe to read (size, kind of file, encoding), the front matter split
from the body and read as positioned YAML (yamlpos.py)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .yamlpos import Pos, SourceError, YMap, YValue, parse_yaml


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An editor's Markdown file split into front matter and body."""

    path: Path
    rel: str  # path as shown to the editor
    front: YMap
    body: str
    body_line: int  # 1-based line where the body starts in the file


MAX_TEXT_BYTES = 2_000_000  # an agenda text file this large is a pasted document or a binary, not an agenda


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text, with a located error for bad bytes."""
    # O_NONBLOCK: opening a FIFO (named pipe) must not wait for a writer; fstat then refuses it.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:  # one open and its fstat
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"this is {describe_mode(info.st_mode)}, not a file", None, None,
                              "put a text file (Markdown, YAML or CSV) here, or remove it")
        size = info.st_size
        if size > MAX_TEXT_BYTES:
            raise SourceError(
                f"the file is {size / 1e6:.1f} MB; text files over {MAX_TEXT_BYTES // 1_000_000} MB are refused",
                None, None, "a text this long is probably a pasted document: put the document in the meeting "
                "folder and list it as an annex (file: bilag/dokument.pdf)")
        data = fh.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, col,
            "save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8)",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # Windows (CRLF) and old Mac (CR) line ends: one line each, as editors count them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("the file contains a NUL byte; it looks like a binary file", line, None,
                          "only text files (Markdown, YAML, CSV) belong here")
    return text


def describe_mode(mode: int) -> str:
    """What a path that is not a regular file is, in an editor's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def split_front_matter(text: str, required: bool = True) -> tuple[str | None, str, int]:
    """Split `---` front matter from the body; return (yaml, body, body_start_line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        if required:
            raise SourceError(
                "the file does not start with front matter", 1, 1,
                "the first line must be '---', followed by the YAML keys and a closing '---' line",
            )
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise SourceError("the front matter is not closed", 1, 1,
                      "add a line with only '---' after the last YAML key")


def read_source(path: Path, rel: str, front_required: bool = True) -> SourceFile:
    """Read a Markdown file with front matter into a SourceFile."""
    text = read_text(path)
    front_text, body, body_line = split_front_matter(text, required=front_required)
    front: YValue | None = None
    if front_text is not None:
        front = parse_yaml(front_text, line_offset=1)
    if front is None:
        front = YMap((), Pos(1, 1))
    if not isinstance(front, YMap):
        raise SourceError("the front matter must be a list of 'key: value' lines", front.pos.line,
                          front.pos.column, "write one 'key: value' per line, without '- ' in front")
    return SourceFile(path, rel, front, body, body_line)
