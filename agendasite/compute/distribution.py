"""Funding annexes of the distribution model: a total (after any co-financing split) shared by a key
(population, equal, fixed weights), shares and amounts by largest remainder, every total computed and the
source's stated figures compared."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from ..diagnostics import Diagnostics
from ..funding_model import Column, DataUse, Figure, FundingAnnex, FundingRow, Payment, SplitPart
from ..source.numbers import format_number
from ..source.schema import Record, suggest
from ..source.urls import slugify
from .distribute import DistributionError, distribute
from .funding_parts import CSV_NAME, Comparison, record_html


def data_use(table, locale: str, ctx) -> DataUse:
    """How a data file is shown on the annex page."""
    stated = Figure(table.stated_total) if table.stated_total is not None else None
    return DataUse(table.title, table.source, table.date, stated, Figure(table.total),
                   ctx.markdown_html(table.acknowledged) or None)


def _key_rows(record: Record, rel: str, ctx) -> tuple[list[tuple[str, Decimal, Any]], list[DataUse]] | None:
    """The payers and their weights from the key; None (with located errors) if they cannot be resolved."""
    key: Record | None = record.get("key")
    diags: Diagnostics = ctx.diags
    if key is None:
        diags.error(rel, record.pos.line, "missing required key 'key' (the distribution key)",
                    "add e.g. key: {type: population, data: befolkning-region-hovedstaden}")
        return None
    kind = key.get("type")
    payers: list[tuple[str, Any]] = key.get("payers", [])
    uses: list[DataUse] = []
    if kind == "population":
        name = key.get("data")
        if name is None:
            diags.error(rel, key.pos.line, "a population key needs 'data': the data file with the figures",
                        "add e.g. data: befolkning-region-hovedstaden")
            return None
        table = ctx.data.get(name)
        if table is None:
            known = sorted(ctx.data)
            guess = suggest(name, known)
            diags.error(rel, key.line("data"), f"the data file '{name}' does not exist in content/data",
                        f"did you mean '{guess}'?" if guess else
                        f"add content/data/{name}.csv with {name}.yml (known: {', '.join(known) or 'none'})")
            return None
        if not table.usable:  # its errors are reported at the data file's own lines
            return None
        uses.append(data_use(table, ctx.config.language, ctx))
        if not payers:
            return [(row.name, row.value, key.line("data")) for row in table.rows], uses
        rows = []
        for payer, pos in payers:
            found = table.get(payer)
            if found is None:
                guess = suggest(payer, table.names())
                diags.error(rel, pos.line, f"'{payer}' is not in the data file '{name}' ({table.path})",
                            f"did you mean '{guess}'?" if guess else "use the names as written in the data file")
                continue
            rows.append((payer, found.value, pos.line))
        return (rows, uses) if len(rows) == len(payers) else None
    if kind == "equal":
        if not payers:
            diags.error(rel, key.pos.line, "an equal key needs 'payers'", "list the payers under 'payers'")
            return None
        return [(payer, Decimal(1), pos.line) for payer, pos in payers], uses
    weights: dict[str, tuple[Decimal, Any]] = key.get("weights") or {}
    if not weights:
        diags.error(rel, key.pos.line, "a fixed key needs 'weights'", "add e.g. weights: {ARC: 3, Norfors: 1}")
        return None
    for name, (weight, pos) in weights.items():
        if weight < 0:
            diags.error(rel, pos.line, f"the weight of '{name}' is negative", "a weight is 0 or more",
                        pos.column)
            return None
    if payers:
        missing = [(p, pos) for p, pos in payers if p not in weights]
        for p, pos in missing:
            diags.error(rel, pos.line, f"'{p}' has no weight in 'weights'", "give every payer a weight")
        if missing:
            return None
        return [(p, weights[p][0], pos.line) for p, pos in payers], uses
    return [(p, w, pos.line) for p, (w, pos) in weights.items()], uses


def _split(record: Record, total: Decimal, unit: Decimal, rel: str, diags: Diagnostics,
           locale: str) -> tuple[list[SplitPart], Decimal] | None:
    """The co-financing parts and the amount the key distributes."""
    parts: list[Record] = record.get("split", [])
    if not parts:
        return [], total
    shares = sum((p.get("share", Decimal(0)) for p in parts), Decimal(0))
    if shares != 100:
        diags.error(rel, record.line("split"), f"the split's shares add up to {format_number(shares, locale, 2)} %, "
                    "not 100 %", "correct the shares")
        return None
    marked = [p for p in parts if p.get("distribute")]
    if len(marked) != 1:
        diags.error(rel, record.line("split"), f"{len(marked)} parts of the split have 'distribute: true'",
                    "mark exactly one part (the one the key distributes) with 'distribute: true'")
        return None
    amounts = distribute(total, [(p.get("payer"), p.get("share")) for p in parts], unit)
    out = [SplitPart(p.get("payer"), slugify(p.get("payer")), p.get("share"), a, bool(p.get("distribute")))
           for p, a in zip(parts, amounts)]
    return out, next(s.amount for s in out if s.distributed)


def compute_distribution(record: Record, rel: str, ctx) -> FundingAnnex | None:
    """Share a total by a key (after any split): shares and amounts by largest remainder, all totals computed."""
    diags: Diagnostics = ctx.diags
    locale = ctx.config.language
    _ = ctx.gettext
    total: Decimal | None = record.get("total")
    if total is None:
        diags.error(rel, record.pos.line, "missing required key 'total' (the amount to distribute)",
                    "add e.g. total: 525.000")
        return None
    unit: Decimal = record.get("rounding")
    share_decimals: int = record.get("share_decimals")
    resolved = _key_rows(record, rel, ctx)
    if resolved is None:
        return None
    rows, uses = resolved
    seen: dict[str, int] = {}
    for name, _w, line in rows:
        if name in seen:
            diags.error(rel, line, f"'{name}' is listed twice (first on line {seen[name]})", "list each payer once")
            return None
        seen[name] = line
    try:
        split = _split(record, total, unit, rel, diags, locale)
        if split is None:
            return None
        parts, distributed = split
        weights = [(name, w) for name, w, _l in rows]
        amounts = distribute(distributed, weights, unit)
        shares = distribute(Decimal(100), weights, Decimal(1).scaleb(-share_decimals))
    except DistributionError as exc:
        diags.error(rel, record.line("total"), f"the total cannot be distributed: {exc}",
                    "check the total, the rounding unit and the key's figures")
        return None
    decimals = max(0, -unit.normalize().as_tuple().exponent)
    key_decimals = max((max(0, -w.normalize().as_tuple().exponent) for _n, w in weights), default=0)
    key_total = sum((w for _n, w in weights), Decimal(0))
    stated: Record | None = record.get("stated")
    cmp = Comparison(rel, diags, locale, bool(stated and stated.get("acknowledged")))
    chosen = _columns(record, rel, diags, _)
    if chosen is None:
        return None
    columns_wanted, default_labels, columns = chosen
    labels: Record = record.get("labels") or Record()
    unit_label = record.get("unit")
    amount_fig: dict[str, Figure] = {}
    share_fig: dict[str, Figure] = {}
    key_fig: dict[str, Figure] = {}
    for (name, weight, _l), amount, share in zip(rows, amounts, shares):
        key_fig[name] = Figure(weight, key_decimals)
        share_fig[name] = Figure(share, share_decimals)
        amount_fig[name] = Figure(amount, decimals)
    label = lambda c: columns_label(columns, columns_wanted, c, default_labels)  # noqa: E731
    if stated:
        _check_stated_payers(stated, {"amounts": (amount_fig, label("amount")), "shares": (share_fig, label("share")),
                                      "key_values": (key_fig, label("key"))}, cmp, rel, diags)
    if diags.count("error") and any(d.path == rel and d.severity == "error" for d in diags.items):
        return None
    body = []
    for name, _w, _l in rows:
        cells = {"key": key_fig[name], "share": share_fig[name], "amount": amount_fig[name]}
        body.append(FundingRow(name, "", slugify(name), tuple(cells[c] for c in columns_wanted)))
    share_total = sum(shares, Decimal(0))
    totals = {"key": Figure(key_total, key_decimals), "share": Figure(share_total, share_decimals),
              "amount": Figure(distributed, decimals)}
    if stated:
        _check_stated_totals(stated, [("total", total, decimals, _("Total")),
                                      ("distributed", distributed, decimals, _("Distributed by the key")),
                                      ("amount_total", distributed, decimals, f"{_('Total')}: {label('amount')}"),
                                      ("key_total", key_total, key_decimals, f"{_('Total')}: {label('key')}"),
                                      ("share_total", share_total, share_decimals, f"{_('Total')}: {label('share')}")],
                             totals, cmp)
    total_row = FundingRow(record.get("total_label") or _("Total"), "", None,
                           tuple(totals[c] for c in columns_wanted), total=True)
    all_rows = [total_row] + body if record.get("total_row") == "first" else body + [total_row]
    payments = tuple(Payment(p.payer, p.slug, p.amount, decimals) for p in parts if not p.distributed) + \
        tuple(Payment(name, slugify(name), amount_fig[name].value, decimals) for name, _w, _l in rows)
    return FundingAnnex(
        title=record.get("title"), model="distribution", intro_html=record_html(record, "intro", rel, ctx),
        notes_html=record_html(record, "notes", rel, ctx), caption=record.get("caption") or record.get("title"),
        unit=unit_label, period=record.get("period"), period_label=record.get("period_label"), total=total,
        first_label=labels.get("payer") or _("Payer"), columns=columns, rows=tuple(all_rows), split=tuple(parts),
        summary_groups=(), summary=(), differences=tuple(cmp.differences),
        acknowledged_html=(record_html(stated, "acknowledged", rel, ctx),) if cmp.acknowledged else (),
        data=tuple(uses), payments=payments, csv_name=CSV_NAME, source=rel)


def _columns(record: Record, rel: str, diags: Diagnostics, _: Callable[[str], str]
             ) -> tuple[list[str], dict[str, str], tuple[Column, ...]] | None:
    """The columns shown (key, share, amount, as chosen), their default headings and the headings shown."""
    kind = record.get("key").get("type")
    columns_wanted = [c for c, _pos in record.get("columns", [])] or (
        ["key", "share", "amount"] if kind != "equal" else ["share", "amount"])
    for c, pos in record.get("columns", []):
        if c not in ("key", "share", "amount"):
            diags.error(rel, pos.line, f"unknown column '{c}'", "use key, share and amount")
            return None
    labels: Record = record.get("labels") or Record()
    default_labels = {"key": _("Population") if kind == "population" else _("Weight"), "share": _("Share in per cent"),
                      "amount": f"{_('Amount')} ({record.get('unit')})"}
    return columns_wanted, default_labels, tuple(Column(labels.get(c) or default_labels[c], kind=c)
                                                 for c in columns_wanted)


def _check_stated_payers(stated: Record, figures: dict[str, tuple[dict[str, Figure], str]], cmp: Comparison,
                         rel: str, diags: Diagnostics) -> None:
    """Compare each payer's stated amount, share and key value with the computed one (a difference marks it)."""
    for field_name, (figs, label) in figures.items():
        for name, (value, pos) in (stated.get(field_name) or {}).items():
            if name not in figs:
                guess = suggest(name, list(figs))
                diags.error(rel, pos.line, f"'{name}' in stated {field_name} is not a payer of this annex",
                            f"did you mean '{guess}'?" if guess else "use the payers' names as in the key")
                continue
            fig = figs[name]
            if not cmp.check(f"{label}, {name}", value, pos.line, fig.value, fig.decimals):
                figs[name] = Figure(fig.value, fig.decimals, differs=True)


def _check_stated_totals(stated: Record, checks: list[tuple[str, Decimal, int, str]], totals: dict[str, Figure],
                         cmp: Comparison) -> None:
    """Compare the stated totals with the computed ones (a difference marks the total row's cell)."""
    for k, computed, dec, what in checks:
        if k in stated.values and not cmp.check(what, stated.get(k), stated.line(k), computed, dec):
            col = {"amount_total": "amount", "key_total": "key", "share_total": "share"}.get(k)
            if col:
                totals[col] = Figure(totals[col].value, totals[col].decimals, differs=True)


def columns_label(columns: tuple[Column, ...], wanted: list[str], name: str, defaults: dict[str, str]) -> str:
    """The heading of a column as shown, for messages."""
    return columns[wanted.index(name)].label if name in wanted else defaults[name]
