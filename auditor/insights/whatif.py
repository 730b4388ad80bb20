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
audits in one streamed statement, ordered by audit so that each audit is scored as its last
answer arrives.
"""

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Select, String, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from auditor.checklists import scoring, versions
from auditor.core.errors import Conflict
from auditor.insights import ranking
from auditor.insights.queries import Scope, approved_filters
from auditor.models import Answer, Audit, Checklist

STREAM_ROWS = 5000  # answers fetched per round trip while streaming


def answers_statement(scope: Scope, start: datetime, end: datetime) -> Select:
    """(audit id, location id, question key, value as JSON text, N/A) of every answer of the
    approved audits the ranking counts in the window, ordered by audit.

    The id and the value come as the database holds them (typed columns would build a UUID
    and parse JSON through the standard library for each of hundreds of thousands of rows,
    2.5 of the 4 s that 340,000 answers took to read on SQLite); `value_of` parses the text.
    """
    return (
        select(
            type_coerce(Audit.id, String),
            Audit.location_id,
            Answer.question_key,
            cast(Answer.value, Text),
            Answer.na,
        )
        .join(Answer, Answer.audit_id == Audit.id)
        .where(*approved_filters(scope, start, end), Audit.score_overall.is_not(None))
        .order_by(Audit.id)
    )


def value_of(raw: str | None) -> Any:
    """An answer's value from its JSON text (SQL NULL and JSON null are both None)."""
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:  # an integer beyond 64 bits, which orjson refuses
        return json.loads(raw)


class AnswerCache(dict):
    """Answers by (JSON text, N/A): most are `true`, `false` or a small number, so the window's
    hundreds of thousands of answers share a few hundred immutable `scoring.Answer`s, each
    parsed once. Long texts are not kept (they rarely repeat)."""

    def answer(self, raw: str | None, na: bool) -> scoring.Answer:
        key = (raw, na)
        found = self.get(key)
        if found is None:
            found = scoring.Answer(value_of(raw), bool(na))
            if raw is None or len(raw) <= 40:
                self[key] = found
        return found


def _questions_by_key(definition: Mapping) -> dict[str, Mapping]:
    return {q["key"]: q for section in definition["sections"] for q in section["questions"]}


def draft_overall(
    definition: Mapping, questions: Mapping[str, Mapping], answers: dict[str, scoring.Answer]
) -> float | None:
    """One audit's overall score under the draft; answers the draft's questions cannot take
    count as N/A (checked only when scoring refuses them: most audits need no check)."""
    try:
        return scoring.score_audit(definition, answers).overall
    except ValueError:
        fitting = {
            key: answer
            for key, answer in answers.items()
            if key in questions and not scoring.answer_errors(questions[key], answer)
        }
        return scoring.score_audit(definition, fitting).overall


def rescored(
    session: Session, definition: Mapping, scope: Scope, start: datetime, end: datetime
) -> Iterator[tuple[int, float]]:
    """(location id, overall under the draft) of each audit of the window that the draft
    scores (one whose every section is not applicable under the draft yields nothing)."""
    questions = _questions_by_key(definition)
    statement = answers_statement(scope, start, end).execution_options(yield_per=STREAM_ROWS)
    rows = session.connection().execute(statement)
    answer = AnswerCache().answer
    for (_audit_id, location_id), group in groupby(rows, key=itemgetter(0, 1)):
        given = {key: answer(raw, na) for _, _, key, raw, na in group}
        overall = draft_overall(definition, questions, given)
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
