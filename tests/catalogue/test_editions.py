"""The edition scope: latest by default, a year, or every edition where a page allows it."""

import pytest
from django.http import Http404

from catalogue import editions
from catalogue.models import Report


@pytest.fixture
def reports(db):
    old = Report.objects.create(title="T", year=2023, number="0480", source_name="a", checksum="a")
    new = Report.objects.create(title="T", year=2024, number="0512", source_name="b", checksum="b")
    return old, new


def test_latest_by_default(reports):
    old, new = reports
    scope = editions.resolve(None)
    assert scope.report == new and scope.is_latest and scope.previous == old and scope.next is None
    assert scope.query_value == ""


def test_a_year(reports):
    old, new = reports
    scope = editions.resolve("2023")
    assert scope.report == old and scope.next == new and scope.previous is None
    assert scope.query_value == "2023"


def test_all_only_where_allowed(reports):
    assert editions.resolve("alla", allow_all=True).all_editions
    with pytest.raises(Http404):
        editions.resolve("alla")


@pytest.mark.parametrize("value", ["1999", "2023x", "<script>", "9" * 50])
def test_unknown_year_is_404(reports, value):
    with pytest.raises(Http404):
        editions.resolve(value)


def test_no_editions(db):
    scope = editions.resolve("")
    assert scope.report is None and scope.editions == ()
