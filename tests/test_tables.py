"""Computed totals: `=sum`, `=rowsum`, stated totals, precision and errors."""

from decimal import Decimal

from agendasite.diagnostics import Diagnostics
from agendasite.markdown.parser import RenderContext, make_parser, render_document


def render(text: str):
    diags = Diagnostics()
    rendered = render_document(make_parser(), text, RenderContext("t.md", 10, "da", diags, lambda s: s))
    return rendered, diags


def test_column_sum_keeps_precision_and_danish_format():
    rendered, diags = render("| | Beløb |\n|---|--:|\n| a | 10,5 |\n| b | 20,0 |\n| I alt | =sum |\n")
    table = rendered.tables[0]
    total = table.rows[-1][1]
    assert total.text == "30,5" and total.value == Decimal("30.5") and total.computed
    assert not diags.items


def test_thousands_and_decimals_mixed():
    rendered, _ = render("| | n |\n|---|--:|\n| a | 1.778 |\n| b | 1779 |\n| c | =sum |\n")
    assert rendered.tables[0].rows[-1][1].text == "3.557"
    assert rendered.tables[0].rows[1][1].text == "1.779"  # typed numbers are normalised too


def test_rowsum_and_total_of_rowsums():
    text = "| | 2024 | 2025 | I alt |\n|---|--:|--:|--:|\n| a | 1 | 2 | =rowsum |\n| b | 3 | 4 | =rowsum |\n" \
           "| Sum | =sum | =sum | =sum |\n"
    rendered, diags = render(text)
    rows = rendered.tables[0].rows
    assert [c.text for c in rows[0]] == ["a", "1", "2", "3"]
    assert [c.text for c in rows[2]] == ["Sum", "4", "6", "10"]
    assert not diags.items


def test_subtotals_restart_the_sum():
    text = "| | n |\n|---|--:|\n| a | 1 |\n| b | 2 |\n| Sub | =sum |\n| c | 5 |\n| Sub | =sum |\n"
    rendered, _ = render(text)
    assert [r[1].text for r in rendered.tables[0].rows] == ["1", "2", "3", "5", "5"]


def test_stated_total_equal_is_silent():
    rendered, diags = render("| | n |\n|---|--:|\n| a | 1 |\n| b | 2 |\n| I alt | =sum 3 |\n")
    assert rendered.tables[0].rows[-1][1].text == "3"
    assert not diags.items


def test_stated_total_mismatch_is_a_located_warning_and_computed_value_is_shown():
    rendered, diags = render("| | n |\n|---|--:|\n| a | 1 |\n| b | 2 |\n| I alt | =sum 4 |\n")
    assert rendered.tables[0].rows[-1][1].text == "3"
    [warning] = diags.items
    assert warning.severity == "warning" and warning.path == "t.md" and warning.line == 15
    assert "stated total 4" in warning.message and "computed sum 3" in warning.message


def test_stated_total_within_rounding_is_shown_with_footnote():
    rendered, diags = render("| | mio. |\n|---|--:|\n| a | 10,5 |\n| b | 3,8 |\n| c | 47,0 |\n| I alt | =sum 61,4 |\n")
    table = rendered.tables[0]
    cell = table.rows[-1][1]
    assert cell.text == "61,4" and cell.value == Decimal("61.3") and cell.note == 1
    assert "61,3" in table.notes[0]
    assert [d.severity for d in diags.items] == ["note"]
    assert "<sup" in rendered.html and "61,3" in rendered.html


def test_text_in_summed_column_is_an_error_with_line():
    rendered, diags = render("| | n |\n|---|--:|\n| a | 1 |\n| b | ti |\n| I alt | =sum |\n")
    [error] = [d for d in diags.items if d.severity == "error"]
    assert error.line == 14 and "'ti' is not a number" in error.message


def test_column_groups_render_colgroup_headers():
    text = "| | A :: x | A :: y | B :: z |\n|---|--:|--:|--:|\n| r | 1 | 2 | 3 |\n| S | =sum | =sum | =sum |\n"
    rendered, _ = render(text)
    table = rendered.tables[0]
    assert table.groups == (("", 1), ("A", 2), ("B", 1))
    assert 'scope="colgroup" colspan="2"' in rendered.html
    assert table.header_text[1] == "A – x"


def test_caption_and_accessibility_markup():
    rendered, _ = render("Tabel: Lån pr. kommune\n\n| Kommune | n |\n|---|--:|\n| a | 1 |\n")
    assert "<caption>Lån pr. kommune</caption>" in rendered.html
    assert '<th scope="col" class="num">n</th>' in rendered.html
    assert '<th scope="row">a</th>' in rendered.html
    assert "Tabel:" not in rendered.html
