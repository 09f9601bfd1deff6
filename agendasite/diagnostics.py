"""Located problems (errors, warnings, notes) collected over a whole build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, with the place in the editor's file where it is."""

    severity: str
    path: str
    line: int | None  # 1-based; None when the problem concerns the whole file
    column: int | None  # 1-based
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, SEVERITIES.index(self.severity), self.message)


@dataclass(slots=True)
class Diagnostics:
    """Collects every problem of a build so they can be reported together."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: str, path: str | Path, line: int | None, message: str,
            hint: str | None = None, column: int | None = None) -> None:
        self.items.append(Diagnostic(severity, str(path), line, column, message, hint))

    def error(self, path: str | Path, line: int | None, message: str, hint: str | None = None,
              column: int | None = None) -> None:
        self.add("error", path, line, message, hint, column)

    def warning(self, path: str | Path, line: int | None, message: str, hint: str | None = None,
                column: int | None = None) -> None:
        self.add("warning", path, line, message, hint, column)

    def note(self, path: str | Path, line: int | None, message: str, hint: str | None = None,
             column: int | None = None) -> None:
        self.add("note", path, line, message, hint, column)

    def extend(self, other: "Diagnostics") -> None:
        self.items.extend(other.items)

    def count(self, severity: str) -> int:
        return sum(1 for d in self.items if d.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        unique = {d: None for d in self.items}
        return sorted(unique, key=Diagnostic.sort_key)


def format_diagnostic(diag: Diagnostic, root: Path | None = None) -> str:
    """Render one diagnostic like a compiler: place, severity, message, source line, hint."""
    place = diag.path
    if diag.line is not None:
        place += f":{diag.line}"
        if diag.column is not None:
            place += f":{diag.column}"
    out = [f"{place}: {diag.severity}: {diag.message}"]
    source_line = _read_line(diag.path, diag.line, root)
    if source_line is not None:
        out.append(f"    {source_line}")
        if diag.column is not None and diag.column >= 1:
            prefix = "".join(c if c == "\t" else " " for c in source_line[: diag.column - 1])
            out.append(f"    {prefix}^")
    if diag.hint:
        out.append(f"  hint: {diag.hint}")
    return "\n".join(out)


def _read_line(path: str, line: int | None, root: Path | None) -> str | None:
    """Return line `line` of the file, or None if unreadable (never fails)."""
    if line is None or line < 1:
        return None
    p = Path(path)
    if root is not None and not p.is_absolute():
        p = root / p
    try:
        with open(p, "rb") as fh:
            data = fh.read(4_000_000)
    except OSError:
        return None
    # Lines as source.read_text counts them: CRLF and a lone CR end a line too.
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if line > len(lines):
        return None
    text = lines[line - 1].decode("utf-8", errors="replace")
    return text if len(text) <= 300 else text[:300] + " …"
