"""Property-based tests: whatever the cells hold, the parser answers with records or a ParseError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.reference import REGIONS
from importer.goals import parse_goals
from importer.html import sanitize, to_text
from importer.parser import ParseError, decode, parse_report, split_name

from .snippets import chapter, document, row

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r\x00"),
    max_size=200,
)
html_cell = st.one_of(
    cell_text,
    cell_text.map(lambda t: f"<p>{t}</p>"),
    st.lists(cell_text, min_size=1, max_size=3).map(
        lambda items: "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    ),
    cell_text.map(lambda t: f'<p onclick="x()">{t}<script>alert(1)</script></p>'),
)
region = st.sampled_from([f.name for f in REGIONS] + ["<p>Gotland</p>", "Norrboten", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(region, html_cell, html_cell, html_cell, html_cell), max_size=8))
def test_any_rows_parse_or_fail_with_a_line(rows):
    text = document(chapter(1, *(row(*cells) for cells in rows)))
    try:
        report = parse_report(text)
    except ParseError as error:
        assert 1 <= error.line <= len(text.split("\n"))
        return
    lines = text.split("\n")
    codes = {f.code for f in REGIONS}
    for measure in report.measures:
        assert measure.region_code in codes
        assert lines[measure.source_line - 1].count("\t") == 4
        assert measure.name
        for html in (measure.description_html, measure.outputs_html, measure.goals_html):
            assert "<script" not in html and "onclick" not in html


@settings(max_examples=300, deadline=None)
@given(html_cell)
def test_sanitize_and_split_never_fail_and_never_keep_markup_outside_the_allow_list(cell):
    clean = sanitize(cell)
    assert "<script" not in clean and "onclick" not in clean
    name, description = split_name(clean)
    assert name == " ".join(name.split())  # plain text on one line (escaped when shown)
    assert isinstance(to_text(description), str)
    for ref in parse_goals(clean):
        assert ref.sdg is None or 1 <= ref.sdg <= 17
        assert ref.title


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_fail_with_a_parse_error(data):
    try:
        text = decode(data)
    except ParseError as error:
        assert error.line >= 1
        return
    assert "\r" not in text
