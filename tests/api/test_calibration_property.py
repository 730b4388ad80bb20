"""Calibration's SQL sums against a straightforward Python computation, on random worlds."""

import itertools
import math
import statistics
import uuid
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from auditor.core.extensions import db
from auditor.insights import calibration
from auditor.insights.queries import Scope
from auditor.insights.statistics import t_quantile
from auditor.models import Audit, Checklist, utcnow
from tests.factories import LocationFactory, RegionFactory, UserFactory

AUDITORS, LOCATIONS = 4, 3
keys = itertools.count()

# (auditor index, location index, overall score), a few to a few dozen audits
worlds = st.lists(
    st.tuples(
        st.integers(0, AUDITORS - 1),
        st.integers(0, LOCATIONS - 1),
        # scores to three decimals: PostgreSQL refuses a square that underflows (1e-300 ** 2)
        st.integers(0, 100_000).map(lambda thousandths: thousandths / 1000),
    ),
    min_size=1,
    max_size=30,
)


def straightforward(audits):
    """Per auditor: the differences one by one, then mean, sample sd, t interval and flag."""
    result = {}
    for who in {w for w, _, _ in audits}:
        differences = [
            score - statistics.fmean(others)
            for w, loc, score in audits
            if w == who
            if (others := [s for o, lc, s in audits if lc == loc and o != who])
        ]
        if not differences:
            continue
        n, bias = len(differences), statistics.fmean(differences)
        ci = None
        if n > 1:
            half = t_quantile(0.975, n - 1) * statistics.stdev(differences) / math.sqrt(n)
            ci = [bias - half, bias + half]
        result[who] = (n, bias, ci)
    return result


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(audits=worlds)
def test_sql_sums_equal_the_differences_one_by_one(app, audits):
    if not hasattr(app, "calibration_world"):  # once per test: people and stores
        region = RegionFactory()
        app.calibration_world = (
            [UserFactory(role="auditor").id for _ in range(AUDITORS)],
            [LocationFactory(region=region).id for _ in range(LOCATIONS)],
        )
    auditor_ids, location_ids = app.calibration_world
    # each example its own checklist key: the scope sees its audits only
    checklist = Checklist(key=f"prop-{next(keys)}", version=1, title="P", status="published")
    db.session.add(checklist)
    db.session.flush()
    now = utcnow()
    db.session.execute(
        insert(Audit),
        [
            {
                "id": uuid.uuid4(),
                "auditor_id": auditor_ids[who],
                "location_id": location_ids[loc],
                "checklist_id": checklist.id,
                "status": "approved",
                "finished_at": now - timedelta(hours=1 + index),
                "score_overall": score,
                "staff_names": [],
            }
            for index, (who, loc, score) in enumerate(audits)
        ],
    )
    db.session.commit()
    scope = Scope(None, checklist.key)
    got = calibration.calibration(db.session, scope, now + timedelta(seconds=1), 30)["items"]
    expected = straightforward(audits)
    assert {item.auditor["id"] for item in got} == {auditor_ids[w] for w in expected}
    for item in got:
        n, bias, ci = expected[auditor_ids.index(item.auditor["id"])]
        assert item.n == n
        assert math.isclose(item.bias, bias, abs_tol=1e-6)
        if ci is None:
            assert (item.ci, item.flag) == (None, None)
            continue
        # the spread comes from sums of squares: when the differences are (nearly) all equal,
        # what is left after the cancellation is rounding, so the bound is looser there
        tolerance = 1e-6 if ci[1] - ci[0] > 1e-2 else 1e-4
        assert all(math.isclose(a, b, abs_tol=tolerance) for a, b in zip(item.ci, ci, strict=True))
        if ci[0] > tolerance or ci[1] < -tolerance or (ci[0] < -tolerance and ci[1] > tolerance):
            assert item.flag == calibration.flag_of(ci)
