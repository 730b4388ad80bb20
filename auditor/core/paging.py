"""Paging a listing: count a SELECT's rows, then fetch one page of them.

The API and the pages share it; each reads the page number and shapes the answer its own way.
"""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill (1 for none: an empty listing still has a page)."""
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Page:
    """One page of a listing: its rows, how many rows there are in all, and where it stands."""

    items: list
    total: int
    number: int
    per_page: int

    @property
    def last(self) -> int:
        """The number of the last page (1 for an empty listing)."""
        return page_count(self.total, self.per_page)

    @property
    def first_row(self) -> int:
        """The position of this page's first row, counted from 1 (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """The position of this page's last row (0 when empty)."""
        return self.first_row + len(self.items) - 1 if self.items else 0


def fetch_page(
    session: Session, stmt: Select, number: int, per_page: int, *, clamp: bool = False
) -> Page:
    """Page `number` of `stmt`'s rows with their total: two queries, whatever the size.

    `clamp`: a number past the last page reads the last page (pages follow links that may have
    gone stale); without it such a page is empty (the API says what was asked for).
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if clamp:
        number = min(number, page_count(total, per_page))
    # unique(): a page of audits carries its staff by a join, a row per staff member
    items = session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).unique().all()
    return Page(list(items), total, number, per_page)
