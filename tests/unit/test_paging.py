"""Paging a SELECT, shared by the API (`paginate`) and the pages (`page_of`)."""

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.core.paging import fetch_page, page_count
from auditor.models import Region
from tests.factories import RegionFactory


@pytest.mark.parametrize(
    ("total", "per_page", "pages"), [(0, 50, 1), (1, 50, 1), (50, 50, 1), (51, 50, 2), (5, 2, 3)]
)
def test_page_count(total, per_page, pages):
    assert page_count(total, per_page) == pages


@pytest.fixture
def regions(app):
    for letter in "ABCDE":
        RegionFactory(name=f"Region {letter}")
    return select(Region.name).order_by(Region.name)


def test_a_page_in_the_middle(regions):
    page = fetch_page(db.session, regions, 2, 2)
    assert (page.items, page.total, page.number, page.last) == (["Region C", "Region D"], 5, 2, 3)
    assert (page.first_row, page.last_row) == (3, 4)


@pytest.mark.parametrize(("clamp", "number", "items"), [(False, 9, []), (True, 3, ["Region E"])])
def test_past_the_last_page_is_empty_unless_clamped(regions, clamp, number, items):
    page = fetch_page(db.session, regions, 9, 2, clamp=clamp)
    assert (page.number, page.items, page.total) == (number, items, 5)


def test_an_empty_listing_has_one_empty_page(app):
    page = fetch_page(db.session, select(Region), 1, 10, clamp=True)
    assert (page.items, page.total, page.last, page.first_row, page.last_row) == ([], 0, 1, 0, 0)
