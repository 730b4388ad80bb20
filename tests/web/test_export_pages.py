"""CSV exports: streamed, formula-escaped, scoped, and the same numbers as the API."""

import csv
import io

import pytest

from auditor.core.extensions import db
from auditor.models import Location
from tests.conftest import token_for
from tests.web.page_world import browse_as


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


def rows_of(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_audits_export_lists_my_regions_audits_only(manager, world):
    rows = rows_of(manager.get("/manager/export/audits.csv"))
    assert rows[0][:3] == ["uuid", "location_code", "location_name"]
    assert "section_greeting" in rows[0]
    codes = {row[1] for row in rows[1:]}
    assert codes == {"AAA-01", "AAA-02"}
    assert len(rows) == 1 + 3 + 3 + 1  # approved at both stores plus one submitted
    approved = rows_of(manager.get("/manager/export/audits.csv?status=approved"))
    assert len(approved) == 1 + 6


def test_cells_that_look_like_formulas_are_escaped(manager, world):
    store = db.session.get(Location, world.store_a.id)
    store.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    for path in ("/manager/export/audits.csv", "/manager/export/ranking.csv"):
        names = {row[3 if "ranking" in path else 2] for row in rows_of(manager.get(path))[1:]}
        assert '\'=HYPERLINK("http://evil")' in names, path


def test_the_ranking_export_matches_the_api_to_the_decimal(client, manager, world):
    rows = rows_of(manager.get("/manager/export/ranking.csv?days=90&section=greeting"))
    token = token_for(client, world.manager_a.email)
    api = client.get(
        "/api/v1/rankings?days=90&section=greeting",
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    ranked = [row for row in rows[1:] if row[0]]
    assert [row[2] for row in ranked] == [item["location"]["code"] for item in api["items"]]
    for row, item in zip(ranked, api["items"], strict=True):
        assert int(row[0]) == item["rank"]
        assert float(row[4]) == pytest.approx(item["score"], abs=1e-4)
        assert float(row[5]) == pytest.approx(item["mean"], abs=1e-4)
        assert int(row[6]) == item["n"]
    assert "BBB-01" not in {row[2] for row in rows}


def test_exports_need_a_manager(client, world):
    assert client.get("/manager/export/ranking.csv").status_code == 302
    browse_as(client, world.staff_a)
    assert client.get("/manager/export/ranking.csv").status_code == 403


@pytest.mark.parametrize(
    "checklist",
    ["nope", "store-visit\r\nSet-Cookie: a=b", 'x"; filename="evil.exe', "Köln", "a\x00b"],
)
@pytest.mark.parametrize("path", ["/manager/export/audits.csv", "/manager/export/ranking.csv"])
def test_an_unknown_checklist_answers_404_and_no_header_carries_it(manager, path, checklist):
    response = manager.get(path, query_string={"checklist": checklist})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "Set-Cookie: a=b" not in str(response.headers)


@pytest.mark.parametrize(
    ("name", "fallback", "encoded"),
    [
        (
            "ranking-store-visit-90d.csv",
            "ranking-store-visit-90d.csv",
            "ranking-store-visit-90d.csv",
        ),
        (
            "audits-filialbesuch-köln.csv",
            "audits-filialbesuch-koln.csv",
            "audits-filialbesuch-k%C3%B6ln.csv",
        ),
        ('a"b\r\nc.csv', "a_b_c.csv", "a%22b%0D%0Ac.csv"),
        ("визит.csv", "csv", "%D0%B2%D0%B8%D0%B7%D0%B8%D1%82.csv"),
    ],
)
def test_download_names_follow_rfc_6266(name, fallback, encoded):
    from auditor.web.exports import attachment

    header = attachment(name)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    assert header.isascii()
    assert not {"\r", "\n"} & set(header)


def test_a_checklist_named_in_the_query_names_the_download(manager, world):
    response = manager.get("/manager/export/ranking.csv?checklist=store-visit&days=30")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="ranking-store-visit-30d.csv"; '
        "filename*=UTF-8''ranking-store-visit-30d.csv"
    )
