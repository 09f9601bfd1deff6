"""Data files in content/data: reusable figures (e.g. population) with their source, checked and located."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..diagnostics import Diagnostics
from .files import read_text
from .funding_schemas import DATA_FILE
from .numbers import NumberFormatError, format_number, parse_number
from .validate import check
from .yamlpos import SourceError, parse_yaml


@dataclass(frozen=True, slots=True)
class DataRow:
    """One named figure and the line it is on."""

    name: str
    value: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class DataTable:
    """A data file: its figures in file order, where they come from, and the total the source states."""

    name: str
    title: str
    source: str
    date: str
    rows: tuple[DataRow, ...]
    path: str  # the file with the figures (CSV, or the YAML file)
    meta_path: str
    stated_total: Decimal | None = None
    stated_line: int | None = None
    acknowledged: str | None = None
    usable: bool = True  # False: the file has errors (reported at their lines); annexes using it stay silent

    @property
    def total(self) -> Decimal:
        return sum((row.value for row in self.rows), Decimal(0))

    def get(self, name: str) -> DataRow | None:
        for row in self.rows:
            if row.name == name:
                return row
        return None

    def names(self) -> list[str]:
        return [row.name for row in self.rows]


def load_data_dir(folder: Path, diags: Diagnostics, rel: Callable[[Path], str],
                  locale: str = "da") -> dict[str, DataTable]:
    """Every data file of content/data by name; problems go to `diags` with file and line."""
    tables: dict[str, DataTable] = {}
    if not folder.is_dir():
        return tables
    for csv_path in sorted(folder.glob("*.csv")):
        meta = csv_path.with_suffix(".yml")
        if not meta.is_file():
            diags.error(rel(csv_path), None, f"the data file has no side-car {meta.name}",
                        "add it with title, source, date and columns (see docs/funding.md)")
            continue
        tables[csv_path.stem] = _load(csv_path.stem, meta, csv_path, diags, rel, locale) or \
            _unusable(csv_path.stem, rel(csv_path), rel(meta))
    for meta in sorted(folder.glob("*.yml")):
        if not meta.with_suffix(".csv").exists():  # a CSV that is no file is reported above
            tables[meta.stem] = _load(meta.stem, meta, None, diags, rel, locale) or \
                _unusable(meta.stem, rel(meta), rel(meta))
    return tables


def _unusable(name: str, path: str, meta_path: str) -> DataTable:
    """A data file whose errors are reported: known by name, so an annex using it adds no second error."""
    return DataTable(name, name, "", "", (), path, meta_path, usable=False)


def _load(name: str, meta: Path, csv_path: Path | None, diags: Diagnostics, rel: Callable[[Path], str],
          locale: str) -> DataTable | None:
    meta_rel = rel(meta)
    try:
        tree = parse_yaml(read_text(meta))
    except SourceError as exc:
        diags.error(meta_rel, exc.line, exc.message, exc.hint, exc.column)
        return None
    record = check(tree, DATA_FILE, diags, meta_rel, locale)
    if record is None or not all(k in record.values for k in ("title", "source", "date")):
        return None
    rows: list[DataRow] = []
    if csv_path is not None:
        if "values" in record.values:
            diags.error(meta_rel, record.line("values"), "'values' is given, but the figures are in "
                        f"{csv_path.name}", "keep the figures in one place: remove 'values' or the CSV file")
            return None
        columns = record.get("columns")
        if columns is None or "key" not in columns.values or "value" not in columns.values:
            diags.error(meta_rel, record.pos.line, "missing 'columns' (the CSV's key and value headings)",
                        "add e.g. columns: {key: kommune, value: indbyggere}")
            return None
        parsed = _read_csv(csv_path, columns.get("key"), columns.get("value"), diags, rel(csv_path), locale)
        if parsed is None:
            return None
        rows = parsed
        path = rel(csv_path)
    else:
        if "values" not in record.values:
            diags.error(meta_rel, record.pos.line, "the data file has neither a CSV file nor 'values'",
                        f"add {name}.csv next to it, or list the figures under 'values'")
            return None
        rows = [DataRow(key, value, pos.line) for key, (value, pos) in record.get("values").items()]
        path = meta_rel
    table = DataTable(name, record.get("title"), record.get("source"), record.get("date"), tuple(rows), path,
                      meta_rel, record.get("stated_total"),
                      record.line("stated_total") if "stated_total" in record.values else None,
                      record.get("acknowledged"))
    if table.stated_total is not None and table.stated_total != table.total:
        severity = "note" if table.acknowledged else "warning"
        diags.add(severity, meta_rel, table.stated_line,
                  f"the stated total {format_number(table.stated_total, locale)} differs from the sum of the "
                  f"{len(rows)} figures in {Path(path).name}, {format_number(table.total, locale)}",
                  "acknowledged in 'acknowledged'; computations use the figures" if table.acknowledged else
                  "correct the figures or the stated total, or explain the difference in 'acknowledged'")
    return table


def _read_csv(path: Path, key: str, value: str, diags: Diagnostics, path_rel: str,
              locale: str) -> list[DataRow] | None:
    try:
        text = read_text(path)
    except SourceError as exc:
        diags.error(path_rel, exc.line, exc.message, exc.hint, exc.column)
        return None
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not lines or [cell.strip() for cell in lines[0]] != [key, value]:
        found = ";".join(lines[0]) if lines else "nothing"
        diags.error(path_rel, 1, f"the header row must be '{key};{value}' (from the side-car's columns), "
                    f"found '{found}'", "the CSV is ';'-separated with one header row")
        return None
    rows: list[DataRow] = []
    seen: dict[str, int] = {}
    ok = True
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 2:
            diags.error(path_rel, number, f"the row has {len(cells)} cells, not 2", "write it as 'name;number'")
            ok = False
            continue
        name, raw = cells[0].strip(), cells[1].strip()
        if name in seen:
            diags.error(path_rel, number, f"'{name}' is also on line {seen[name]}", "give each name one row")
            ok = False
            continue
        seen[name] = number
        try:
            figure = parse_number(raw, locale)
        except NumberFormatError as exc:
            diags.error(path_rel, number, str(exc), "write the number the Danish way, e.g. 660.692",
                        len(cells[0]) + 2)
            ok = False
            continue
        if figure < 0:  # a figure of a data file is a count (a distribution key's weight): never below zero
            diags.error(path_rel, number, f"the figure of '{name}' is negative ({raw})",
                        "figures in data files are counts such as a population: correct the number",
                        len(cells[0]) + 2)
            ok = False
            continue
        rows.append(DataRow(name, figure, number))
    return rows if ok else None
