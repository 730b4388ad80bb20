"""Bulk planning: auditors taken in turn over the chosen stores."""

import pytest

from auditor.audits.plans import pairs
from auditor.core.errors import Invalid


def test_one_auditor_takes_every_store():
    assert pairs([1, 2, 3], [9]) == [(1, 9), (2, 9), (3, 9)]


def test_several_auditors_rotate():
    assert pairs([1, 2, 3, 4, 5], [7, 8]) == [(1, 7), (2, 8), (3, 7), (4, 8), (5, 7)]


@pytest.mark.parametrize(
    ("stores", "auditors", "field"), [([], [1], "location_ids"), ([1], [], "auditor_ids")]
)
def test_nothing_to_plan_is_refused(stores, auditors, field):
    with pytest.raises(Invalid) as caught:
        pairs(stores, auditors)
    assert field in caught.value.errors
