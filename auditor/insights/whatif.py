"""What-if before publishing (DESIGN §10.6): the window's ranking rescored under a draft.

The window's approved audits of the draft's key (every version, the ranking's set: scope,
`finished_at` window, an overall score) are rescored under the draft by the pure engine
(`checklists.scoring`): answers matched by question key, a question the audit lacks counts as
N/A (it is not scored), a question the draft removed is dropped, and an answer the draft's
question can no longer take (a removed option, a narrower scale) counts as N/A too. The
current ranking is `ranking.rank` over the SQL window (what GET /api/v1/rankings answers);
the draft's is `ranking.rank` over the rescored (location, overall) pairs. Nothing is written.

Three queries whatever the window's size: the draft's definition (sections and questions),
the current window's sums with the locations in scope, and every answer of the window's
audits in one streamed statement, a row per audit with its answers as a JSON array, so that
each audit is scored as it arrives.
"""

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Select, String, Text, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from auditor.checklists import scoring, versions
from auditor.core.errors import Conflict
from auditor.insights import ranking
from auditor.insights.queries import Scope, approved_filters
from auditor.models import Answer, Audit, Checklist

STREAM_ROWS = 1000  # audits (with their answers) fetched per round trip while streaming


def _answers_as_json(dialect: str):
    """An audit's answers as one JSON array of [question key, value, N/A] (text), built by
    the database: a window's hundreds of thousands of answers arrive as one row per audit."""
    if dialect == "postgresql":
        triple = func.json_build_array(Answer.question_key, Answer.value, Answer.na)
        return cast(func.json_agg(triple), Text)
    return func.json_group_array(
        func.json_array(Answer.question_key, func.json(Answer.value), Answer.na)
    )


def answers_statement(dialect: str, scope: Scope, start: datetime, end: datetime) -> Select:
    """(audit id, location id, answers as JSON text) of each approved audit the ranking
    counts in the window, ordered by audit: one statement for every answer, streamed.

    One row per audit, its answers aggregated by the database, and the id as stored: 340,000
    answer rows, each with a UUID built and its value parsed by SQLAlchemy's JSON type, took
    4 s to read on SQLite; per audit, with orjson parsing, a fraction of that.
    """
    return (
        select(type_coerce(Audit.id, String), Audit.location_id, _answers_as_json(dialect))
        .join(Answer, Answer.audit_id == Audit.id)
        .where(*approved_filters(scope, start, end), Audit.score_overall.is_not(None))
        .group_by(Audit.id, Audit.location_id)
        .order_by(Audit.id)
    )


def parse_json(raw: str) -> Any:
    """JSON text as data: orjson, or the standard library for integers beyond 64 bits."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


_SHARED = (type(None), bool, int, float, str)


class AnswerCache(dict):
    """Immutable `scoring.Answer`s shared by (type, value, N/A): most answers are `true`,
    `false` or a small number, so a window's hundreds of thousands of answers make a few
    hundred objects. Long texts, lists and objects are not kept."""

    def answer(self, value: Any, na: Any) -> scoring.Answer:
        kind = type(value)
        if kind not in _SHARED or (kind is str and len(value) > 40):
            return scoring.Answer(value, bool(na))
        key = (kind, value, bool(na))
        found = self.get(key)
        if found is None:
            found = self[key] = scoring.Answer(value, bool(na))
        return found


def _questions_by_key(definition: Mapping) -> dict[str, Mapping]:
    return {q["key"]: q for section in definition["sections"] for q in section["questions"]}


def draft_overall(
    definition: Mapping,
    questions: Mapping[str, Mapping],
    answers: dict[str, scoring.Answer],
    memo: dict | None = None,
) -> float | None:
    """One audit's overall score under the draft; answers the draft's questions cannot take
    count as N/A (checked only when scoring refuses them: most audits need no check).
    `memo`: kept by the caller across the audits of one draft (`scoring.score_audit`)."""
    try:
        return scoring.score_audit(definition, answers, memo=memo).overall
    except ValueError:
        fitting = {
            key: answer
            for key, answer in answers.items()
            if key in questions and not scoring.answer_errors(questions[key], answer)
        }
        return scoring.score_audit(definition, fitting, memo=memo).overall


def rescored(
    session: Session, definition: Mapping, scope: Scope, start: datetime, end: datetime
) -> Iterator[tuple[int, float]]:
    """(location id, overall under the draft) of each audit of the window that the draft
    scores (one whose every section is not applicable under the draft yields nothing)."""
    questions = _questions_by_key(definition)
    dialect = session.get_bind().dialect.name
    statement = answers_statement(dialect, scope, start, end)
    rows = session.connection().execute(statement.execution_options(yield_per=STREAM_ROWS))
    answer, memo = AnswerCache().answer, {}
    for _audit_id, location_id, raw in rows:
        given = {key: answer(value, na) for key, value, na in parse_json(raw)}
        overall = draft_overall(definition, questions, given, memo)
        if overall is not None:
            yield location_id, overall


def _items(places: dict[int, dict], current: list, draft: list) -> list[dict]:
    """One item per location ranked now or under the draft: draft rank order, then the
    locations the draft leaves unranked in current rank order."""
    now = {r.location_id: {"score": r.score, "rank": r.rank} for r in current}
    then = {r.location_id: {"score": r.score, "rank": r.rank} for r in draft}
    order = [r.location_id for r in draft] + [
        r.location_id for r in current if r.location_id not in then
    ]
    return [
        {"location": places[loc], "current": now.get(loc), "draft": then.get(loc)} for loc in order
    ]


def what_if(
    session: Session,
    draft: Checklist,
    region_ids: list[int] | None,
    now: datetime,
    days: int,
    prior_weight: float,
) -> dict:
    """DESIGN §10.6: `{from, to, audits, items}` for the window [now - days, now) in the
    regions (None: all); 409 unless `draft` is a draft. Reads only."""
    if draft.status != "draft":
        raise Conflict(
            f"{draft.key} v{draft.version} is published: a what-if compares a draft with the "
            "published scores."
        )
    definition = versions.definition_for(session, draft)
    scope, start = Scope(region_ids, draft.key), now - timedelta(days=days)
    located = ranking.aggregate_located(session, scope, start, now)
    current = ranking.rank(located.rows, prior_weight)
    pairs = rescored(session, definition, scope, start, now)
    draft_ranked = ranking.rank(ranking.rows_of(pairs), prior_weight)
    return {
        "from": start,
        "to": now,
        "audits": sum(row.n for row in located.rows),
        "items": _items(located.places, current, draft_ranked),
    }


def _rank_change(item: dict) -> int:
    """Places gained under the draft (positive: up), 0 when either side is unranked."""
    if item["current"] is None or item["draft"] is None:
        return 0
    return item["current"]["rank"] - item["draft"]["rank"]


def biggest_movers(items: list[dict], limit: int = 5) -> list[dict]:
    """The locations whose rank moves most under the draft (then whose score moves most),
    each as the item with `change`: places gained (negative: lost). Unmoved ones are left out."""
    moved = [{**item, "change": _rank_change(item)} for item in items if _rank_change(item)]
    moved.sort(
        key=lambda item: (
            -abs(item["change"]),
            -abs(item["draft"]["score"] - item["current"]["score"]),
            item["location"]["code"],
        )
    )
    return moved[:limit]
