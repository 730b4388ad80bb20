"""The CSV formula escaper and the streamed CSV lines."""

import csv
import io
from datetime import UTC, datetime

import pytest

from auditor.insights.exports import csv_lines, escape_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+49 40 123", "'+49 40 123"),
        ("-1+1", "'-1+1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Hamburg", "Hamburg"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (3, "3"),
        (-2, "-2"),
        (74.296875, "74.2969"),
        (-0.5, "-0.5"),
        (80.0, "80"),
        (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "2026-01-02T03:04:00+00:00"),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_csv_lines_stream_one_line_at_a_time_and_parse_back():
    lines = list(csv_lines(["a", "b"], [["=1+1", 'say "hi", then go'], [None, 2.5]]))
    assert len(lines) == 3
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert rows == [["a", "b"], ["'=1+1", 'say "hi", then go'], ["", "2.5"]]


def test_csv_lines_with_no_rows_still_has_the_header():
    assert list(csv_lines(["a"], [])) == ["a\r\n"]


def test_ranking_rows_list_ranked_then_unranked_locations_in_full_width():
    from auditor.insights.exports import RANKING_HEADER, ranking_rows

    a, b = {"id": 1, "code": "A-1", "name": "Alpha"}, {"id": 2, "code": "B-1", "name": "=Beta"}
    result = {
        "items": [
            {
                "rank": 1,
                "previous_rank": None,
                "location": a,
                "score": 80.5,
                "mean": 81.0,
                "n": 2,
                "ci": [70.0, 92.0],
            },
        ],
        "unranked": [{"location": b}],
    }
    rows = list(ranking_rows(result))
    assert rows[0] == [1, None, "A-1", "Alpha", 80.5, 81.0, 2, 70.0, 92.0]
    assert rows[1][2:4] == ["B-1", "=Beta"]
    assert all(len(row) == len(RANKING_HEADER) for row in rows)
    text = "".join(csv_lines(RANKING_HEADER, rows))
    assert "'=Beta" in text
