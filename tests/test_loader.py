"""Reading editors' files: front matter, YAML positions, the schema's conversions."""

import datetime as dt

import pytest

from agendasite.diagnostics import Diagnostics
from agendasite.model import ItemNumber, MeetingDate
from agendasite.source.schemas import ITEM, MEETING
from agendasite.source.files import split_front_matter
from agendasite.source.validate import check
from agendasite.source.yamlpos import SourceError, parse_yaml


def test_split_front_matter_reports_body_line():
    fm, body, line = split_front_matter("---\na: 1\n---\nHello\n")
    assert fm == "a: 1" and body == "Hello\n" and line == 4


def test_unclosed_front_matter():
    with pytest.raises(SourceError) as exc:
        split_front_matter("---\na: 1\n")
    assert "not closed" in exc.value.message


def test_scalars_stay_text_so_numbers_and_times_survive():
    tree = parse_yaml("number: 3.10\nstart: 10:00\nflag: no\n")
    assert tree.get("number").value == "3.10"
    assert tree.get("start").value == "10:00"
    assert tree.get("flag").value == "no"


def test_every_scalar_stays_text_whatever_yaml_would_make_of_it():
    tree = parse_yaml("a:\nb: ~\nc: null\nd: 'null'\ne: \"\"\nf: no\ng: 0x1F\nh: 2024-01-01\ni: !!null x\n")
    assert [(key.value, value.value, value.quoted) for key, value in tree.entries] == [
        ("a", "", False), ("b", "~", False), ("c", "null", False), ("d", "null", True), ("e", "", True),
        ("f", "no", False), ("g", "0x1F", False), ("h", "2024-01-01", False), ("i", "x", False)]
    # YAML's null, written plainly: empty, ~, null (or tagged); a quoted 'null' is text
    assert [key.value for key, value in tree.entries if value.is_null] == ["a", "b", "c", "i"]


def test_positions_are_one_based_with_offset():
    tree = parse_yaml("a: 1\nlist:\n  - x\n", line_offset=1)
    assert tree.get("a").pos.line == 2
    assert tree.get("list").items[0].pos.line == 4 and tree.get("list").items[0].pos.column == 5


def test_yaml_syntax_error_is_located():
    with pytest.raises(SourceError) as exc:
        parse_yaml("title: a: b\n", line_offset=1)
    assert exc.value.line == 2 and "quotes" in exc.value.hint


def test_tab_indentation_is_located():
    with pytest.raises(SourceError) as exc:
        parse_yaml("a:\n\t- x\n")
    assert exc.value.line == 2 and "tab" in exc.value.message


def test_duplicate_key():
    with pytest.raises(SourceError) as exc:
        parse_yaml("a: 1\na: 2\n")
    assert exc.value.line == 2 and "twice" in exc.value.message


def test_item_schema_converts_and_reports():
    diags = Diagnostics()
    rec = check(parse_yaml("number: 3.10\ntitle: T\ncase: SAG-2024-02570\n"), ITEM, diags, "x.md")
    assert rec.get("number") == ItemNumber(3, 10) and not diags.items
    assert str(rec.get("number")) == "3.10"


def test_unknown_key_suggests_the_right_one():
    diags = Diagnostics()
    check(parse_yaml("number: 1.1\ntitel: T\n", line_offset=1), ITEM, diags, "x.md")
    messages = {(d.line, d.message, d.hint) for d in diags.items}
    assert (3, "unknown key 'titel'", "did you mean 'title'?") in messages
    # the misspelling is the one problem: no second message about the missing 'title'
    assert not any("missing required key 'title'" in d.message for d in diags.items)


def test_meeting_dates_and_times():
    diags = Diagnostics()
    rec = check(parse_yaml("body: B\ndate: 2024-04\nstart: '10.30'\nsections: []\n"), MEETING, diags, "m.md")
    assert rec.get("date") == MeetingDate(2024, 4, None)
    assert rec.get("start") == dt.time(10, 30)
    assert not diags.items


@pytest.mark.parametrize("yaml_text, fragment", [
    ("number: 3\ntitle: T\n", "item number such as 3.4"),
    ("number: 1.1\ntitle: T\ncase: 2024-1\n", "case number such as SAG-2024-02570"),
    ("number: 1.1\ntitle: T\npublic: maybe\n", "true or false"),
    ("number: 1.1\ntitle: [a]\n", "must be text"),
])
def test_wrong_types(yaml_text, fragment):
    diags = Diagnostics()
    check(parse_yaml(yaml_text), ITEM, diags, "x.md")
    assert any(fragment in d.message for d in diags.items), diags.items
