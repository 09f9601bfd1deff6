"""The schemas of data files' side-cars and funding annexes (documented in docs/funding.md)."""

from __future__ import annotations

from decimal import Decimal

from .numbers import MAX_DECIMALS
from .schema import Field, Schema

DATA_COLUMNS = Schema("Data columns", "Which CSV columns hold the row names and the figures.", (
    Field("key", "text", "The heading of the column with the row names (e.g. the municipality).",
          required=True, example="kommune"),
    Field("value", "text", "The heading of the column with the figures.", required=True, example="indbyggere"),
))

DATA_FILE = Schema("Data file (content/data/NAME.yml)", "Reusable figures with their source and date: "
                   "the side-car of `NAME.csv` (a `;`-separated file with a header row, numbers written the "
                   "Danish way), or on its own a YAML data file with the figures in `values`.", (
    Field("title", "text", "What the figures are.", required=True,
          example="Indbyggere i de 29 kommuner i Region Hovedstaden"),
    Field("source", "text", "Where the figures come from.", required=True,
          example="Bilag til KKR Hovedstadens møde, foråret 2024"),
    Field("date", "text", "When the figures were counted or published.", required=True, example="2024"),
    Field("columns", "map", "The CSV's column headings (only with a CSV file).", schema=DATA_COLUMNS),
    Field("values", "dict", "The figures as `name: number` lines (only without a CSV file).",
          item_kind="number"),
    Field("stated_total", "number", "The total the source states; the build adds the figures and reports "
          "a difference.", example="1.913.090"),
    Field("acknowledged", "markdown", "Why the source's stated total differs from the sum of its figures. "
          "With it, the difference is a note instead of a warning, and it is shown wherever the data is used."),
))

SPLIT = Schema("Split part", "One part of a co-financing split, applied before the distribution key.", (
    Field("payer", "text", "Who pays this part.", required=True, example="Region Hovedstaden"),
    Field("share", "percent", "The part's share of the total.", required=True, example="50 %"),
    Field("distribute", "bool", "`true` for the one part that is distributed by the key.", default=False),
))

KEY = Schema("Distribution key", "How the distributed amount is shared among the payers.", (
    Field("type", "enum", "`population`: by the figures of a data file; `equal`: the same to each payer; "
          "`fixed`: by the weights given in `weights`.", required=True,
          choices=("population", "equal", "fixed")),
    Field("data", "text", "The data file (its name in content/data without extension), for `population`.",
          example="befolkning-region-hovedstaden"),
    Field("payers", "list", "The payers, in the order of the table. For `population`, by default every row of "
          "the data file.", item_kind="text"),
    Field("weights", "dict", "The weight of each payer, for `fixed` (`name: weight`).", item_kind="number"),
))

STATED = Schema("Stated figures", "The figures the source states. Each is compared with the computed one; "
                "a difference is a warning with both numbers (an error under --strict), or a note shown "
                "on the page when `acknowledged` explains it. Stated figures are never shown in place of "
                "computed ones.", (
    Field("total", "number", "The total amount.", example="525.000"),
    Field("distributed", "number", "The part distributed by the key (with a split).", example="875.000"),
    Field("amount_total", "number", "The sum of the amounts in the table's total row.", example="525.000"),
    Field("key_total", "number", "The sum of the key figures (e.g. the population) in the total row.",
          example="1.913.090"),
    Field("share_total", "percent", "The sum of the shares in the total row.", example="100"),
    Field("amounts", "dict", "The amount of each payer.", item_kind="number"),
    Field("shares", "dict", "The share of each payer in percent.", item_kind="number"),
    Field("key_values", "dict", "The key figure (e.g. the population) of each payer.", item_kind="number"),
    Field("acknowledged", "markdown", "The editor's explanation of why the source's figures differ from the "
          "computed ones; shown on the page above the list of differences."),
))

LABELS = Schema("Column headings", "Column headings as in the source.", (
    Field("payer", "text", "The first column (the payers)."),
    Field("key", "text", "The key figure column.", example="Indbyggere - antal"),
    Field("share", "text", "The share column.", example="Andel indbyggere pct."),
    Field("amount", "text", "The amount column.", example="Andel finansiering kr."),
))

CONTRIBUTION = Schema("Contribution row", "One row of a scenario: what one payer (or a group) contributes.", (
    Field("payer", "text", "The payer or group, as in the source.", required=True, example="ARC"),
    Field("mark", "text", "A footnote mark shown after the name, as in the source.", example='"*"'),
    Field("count", "int", "For a group row (e.g. '33 kommuner'): how many organisations it stands for; "
          "`hours` are then per organisation. Group rows are not payers on the payer pages.", example="33",
          limits=(1, 1_000_000)),
    Field("amount", "number", "Cash per period, as stated in the source.", example="200.000,00"),
    Field("text", "text", "A text instead of an amount, as in the source.",
          example="Mulig finansiering af konkrete aktiviteter"),
    Field("hours", "number", "Co-financed hours per organisation; the build computes their value with the "
          "scenario's `hourly_rate`.", example="50"),
    Field("hours_value", "number", "The value of the co-financed hours as stated in the source, when the "
          "hours and rate are not given.", example="55.555,56"),
))

SCENARIO_STATED = Schema("Scenario stated totals", "The source's total row of a scenario.", (
    Field("amount", "number", "The stated total of the cash column.", example="3.000.000,00"),
    Field("hours_value", "number", "The stated total of the hours' value column.", example="1.016.000,00"),
    Field("acknowledged", "markdown", "Why the stated totals differ from the computed ones (makes the "
          "difference a note shown on the page)."),
))

SCENARIO = Schema("Scenario", "One financing model (a group of columns), e.g. the previous and the proposed.", (
    Field("title", "text", "The group heading, as in the source.", required=True,
          example="Forslag til finansieringsmodel"),
    Field("mark", "text", "A footnote mark shown after the heading.", example='"**"'),
    Field("hourly_rate", "number", "Kroner per co-financed hour, as stated in the source.", example="430"),
    Field("amount_label", "text", "The heading of the cash column, as in the source.", example="Kr./år"),
    Field("hours_value_label", "text", "The heading of the hours' value column, as in the source.",
          example="Medfinansiering, timer"),
    Field("asked", "bool", "`true` if this is what the payers are asked to pay (listed on the payer pages).",
          default=False),
    Field("rows", "list", "The rows, in the source's order.", required=True, schema=CONTRIBUTION),
    Field("stated", "map", "The source's total row.", schema=SCENARIO_STATED),
))

FUNDING = Schema("Funding annex (YAML)", "A funding annex: the build computes its table, totals and shares. "
                 "`model: distribution` shares a total by a key; `model: contributions` lists what each "
                 "payer contributes in cash and co-financed hours, in one or more scenarios.", (
    Field("title", "text", "The annex's heading, as in the source.", required=True,
          example="Finansiering pr. kommune til ..."),
    Field("model", "enum", "What kind of funding table this is.", choices=("distribution", "contributions"),
          default="distribution"),
    Field("intro", "markdown", "Text shown above the table, faithful to the source."),
    Field("notes", "markdown", "Text shown below the table (the source's footnotes)."),
    Field("caption", "text", "The table's caption.", example="Andel af finansieringen pr. kommune"),
    Field("total", "number", "The amount to distribute (distribution).", example="525.000"),
    Field("unit", "text", "The unit of the amounts.", default="kr."),
    Field("period", "enum", "Whether the amounts are paid once or every year.", required=True,
          choices=("once", "per year")),
    Field("period_label", "text", "How the source words the period.", example="2. kvartal 2024 – 2. kvartal 2025"),
    Field("split", "list", "Co-financing parts before the key (distribution).", schema=SPLIT),
    Field("key", "map", "The distribution key (distribution).", schema=KEY),
    Field("columns", "list", "The columns to show after the payer: `key`, `share`, `amount` (distribution).",
          item_kind="text"),
    Field("labels", "map", "Column headings as in the source (distribution).", schema=LABELS),
    Field("total_label", "text", "The label of the total row (default: the interface word for total).",
          example="Indbyggere hele KKR Hovedstaden"),
    Field("total_row", "enum", "Whether the total row comes first (as in many sources) or last.",
          choices=("first", "last"), default="last"),
    Field("rounding", "number", "The rounding unit of the amounts (1: whole kroner; 0,01: øre).",
          default=Decimal(1)),
    Field("decimals", "int", "How many decimals amounts are shown with (contributions), 0 to 10.", default=0,
          limits=(0, MAX_DECIMALS)),
    Field("share_decimals", "int", "How many decimals shares are shown with, 0 to 10.", default=1,
          limits=(0, MAX_DECIMALS)),
    Field("stated", "map", "The figures the source states (distribution).", schema=STATED),
    Field("scenarios", "list", "The scenarios (contributions).", schema=SCENARIO),
))

FUNDING_SCHEMAS = (DATA_FILE, FUNDING)


def reference() -> str:
    """The handbook's reference section for data files and funding annexes."""
    from .schema import reference_markdown

    return "\n".join(reference_markdown(schema) for schema in FUNDING_SCHEMAS).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
