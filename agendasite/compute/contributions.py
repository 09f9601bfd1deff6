"""Contributions models (e.g. Energi på Tværs 4): cash and co-financed hours per payer, in scenarios.

The value of hours is computed as hours × organisations × hourly rate; every
column total and the summary per scenario are computed. Figures the source gives
only as amounts (no clean model behind them) are data; their totals are still
computed and compared with the source's total row.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..funding_model import Column, Figure, FundingAnnex, FundingRow, Payment, Summary
from ..source.schema import Record
from ..source.urls import slugify
from .funding_parts import CSV_NAME, Comparison, record_html

_DASH = Figure(None, text="-")


def compute_contributions(record: Record, rel: str, ctx) -> FundingAnnex | None:
    """Compute every column total and the value of hours of each scenario."""
    _ = ctx.gettext
    diags = ctx.diags
    locale = ctx.config.language
    decimals: int = record.get("decimals")
    quantum = Decimal(1).scaleb(-decimals)
    scenarios: list[Record] = record.get("scenarios", [])
    if not scenarios:
        diags.error(rel, record.pos.line, "a contributions model needs 'scenarios'",
                    "add at least one scenario with its rows (see docs/funding.md)")
        return None
    order, marks, groups = _row_order(scenarios)
    columns: list[Column] = []
    cells: dict[str, list[Figure]] = {name: [] for name in order}
    totals: list[Figure] = []
    summary_rows: dict[str, list[Figure]] = {k: [] for k in ("rate", "cash", "hours", "value", "all")}
    differences, acknowledged, payments = [], [], []
    hours_label = _("Hours")
    for scenario in scenarios:
        title = scenario.get("title") + (scenario.get("mark") or "")
        rate: Decimal | None = scenario.get("hourly_rate")
        rows = _scenario_rows(scenario, rate, rel, diags)
        if rows is None:
            return None
        with_hours = rate is not None
        columns.append(Column(scenario.get("amount_label") or
                              (_("Amount per year") if record.get("period") == "per year" else _("Amount")), title,
                              "amount"))
        if with_hours:
            columns.append(Column(hours_label, title, "hours"))
        columns.append(Column(scenario.get("hours_value_label") or _("Value of co-financed hours"), title,
                              "hours_value"))
        cash_sum, hours_sum, value_sum = Decimal(0), Decimal(0), Decimal(0)
        for name in order:
            row = rows.get(name)
            if row is None:
                cells[name] += [_DASH] * (3 if with_hours else 2)
                continue
            amount, text = row.get("amount"), row.get("text")
            cash = Figure(amount, decimals) if amount is not None else Figure(None, text=text or "-")
            cash_sum += amount or 0
            count = row.get("count") or 1
            hours = row.get("hours")
            if hours is not None:
                total_hours = hours * count
                value = (total_hours * rate).quantize(quantum, rounding=ROUND_HALF_UP)
                hours_sum += total_hours
            else:
                total_hours, value = None, row.get("hours_value")
            value_sum += value or 0
            cells[name].append(cash)
            if with_hours:
                cells[name].append(Figure(total_hours, 0) if total_hours is not None else _DASH)
            cells[name].append(Figure(value, decimals) if value is not None else _DASH)
            if scenario.get("asked") and row.get("count") is None:
                payments.append(Payment(name, slugify(name), amount, decimals, text,
                                        total_hours, value))
        stated: Record | None = scenario.get("stated")
        cmp = Comparison(rel, diags, locale, bool(stated and stated.get("acknowledged")))
        cash_fig, value_fig = Figure(cash_sum, decimals), Figure(value_sum, decimals)
        if stated is not None:
            if "amount" in stated.values and not cmp.check(f"{title}, {columns[-3 if with_hours else -2].label}",
                                                           stated.get("amount"), stated.line("amount"), cash_sum,
                                                           decimals):
                cash_fig = Figure(cash_sum, decimals, differs=True)
            if "hours_value" in stated.values and not cmp.check(f"{title}, {columns[-1].label}",
                                                                stated.get("hours_value"),
                                                                stated.line("hours_value"), value_sum, decimals):
                value_fig = Figure(value_sum, decimals, differs=True)
            if cmp.acknowledged:
                acknowledged.append(record_html(stated, "acknowledged", rel, ctx))
        differences += cmp.differences
        totals += [cash_fig] + ([Figure(hours_sum, 0)] if with_hours else []) + [value_fig]
        summary_rows["rate"].append(Figure(rate, decimals) if rate is not None else _DASH)
        summary_rows["cash"].append(Figure(cash_sum, decimals))
        summary_rows["hours"].append(Figure(hours_sum, 0) if with_hours else _DASH)
        summary_rows["value"].append(Figure(value_sum, decimals))
        summary_rows["all"].append(Figure(cash_sum + value_sum, decimals))
    body = [FundingRow(name, marks[name], None if name in groups else slugify(name), tuple(cells[name]))
            for name in order]
    total_row = FundingRow(record.get("total_label") or _("Total"), "", None, tuple(totals), total=True)
    summary = (Summary(_("Hourly rate"), tuple(summary_rows["rate"])),
               Summary(_("Cash in total"), tuple(summary_rows["cash"])),
               Summary(_("Co-financed hours in total"), tuple(summary_rows["hours"])),
               Summary(_("Value of co-financed hours"), tuple(summary_rows["value"])),
               Summary(_("Cash and hours in total"), tuple(summary_rows["all"])))
    return FundingAnnex(
        title=record.get("title"), model="contributions", intro_html=record_html(record, "intro", rel, ctx),
        notes_html=record_html(record, "notes", rel, ctx), caption=record.get("caption") or record.get("title"),
        unit=record.get("unit"), period=record.get("period"), period_label=record.get("period_label"), total=None,
        first_label=(record.get("labels") or Record()).get("payer") or _("Payer"), columns=tuple(columns),
        rows=tuple([total_row] + body if record.get("total_row") == "first" else body + [total_row]),
        split=(), summary_groups=tuple(s.get("title") + (s.get("mark") or "") for s in scenarios), summary=summary,
        differences=tuple(differences), acknowledged_html=tuple(acknowledged), data=(),
        payments=tuple(payments), csv_name=CSV_NAME, source=rel)


def _row_order(scenarios: list[Record]) -> tuple[list[str], dict[str, str], set[str]]:
    """The payers in the order of the scenario with the most rows (others' extra rows after them), each one's
    mark, and those that stand for a group (a row with a count)."""
    order: list[str] = []
    marks: dict[str, str] = {}
    groups: set[str] = set()
    for scenario in sorted(scenarios, key=lambda sc: -len(sc.get("rows", []))):
        for row in scenario.get("rows", []):
            name = row.get("payer")
            if name not in order:
                order.append(name)
            marks.setdefault(name, row.get("mark") or "")
            if row.get("count") is not None:
                groups.add(name)
    return order, marks, groups


def _scenario_rows(scenario: Record, rate: Decimal | None, rel: str, diags) -> dict[str, Record] | None:
    """A scenario's rows by payer; None (with the located error) for a payer twice or a row that mixes keys."""
    rows: dict[str, Record] = {}
    for row in scenario.get("rows", []):
        if row.get("payer") in rows:
            diags.error(rel, row.pos.line, f"'{row.get('payer')}' is listed twice in '{scenario.get('title')}'",
                        "list each payer once per scenario")
            return None
        if row.get("hours") is not None and rate is None:
            diags.error(rel, row.line("hours"), "'hours' needs the scenario's 'hourly_rate'",
                        "add hourly_rate to the scenario, or give the value in 'hours_value'")
            return None
        if row.get("hours") is not None and row.get("hours_value") is not None:
            diags.error(rel, row.line("hours_value"), "give either 'hours' or 'hours_value', not both",
                        "the build computes the value of hours from 'hours' and the hourly rate")
            return None
        if row.get("amount") is not None and row.get("text") is not None:
            diags.error(rel, row.line("text"), "give either 'amount' or 'text', not both", None)
            return None
        rows[row.get("payer")] = row
    return rows
