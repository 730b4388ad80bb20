"""Dispute rates (DESIGN §10.4): per location and per auditor, over approved audits in a window,
the share of them disputed and the share with an upheld dispute (mystery-shopping programmes
see 3-5% of reports queried, about 1% changed). One GROUP BY each."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from auditor.insights.queries import Scope, approved_filters
from auditor.models import Audit, Dispute, User


@dataclass(frozen=True)
class Rate:
    n: int  # approved audits in the window
    disputed: int  # of them, audits with any dispute
    upheld: int  # of them, audits with an upheld dispute

    @property
    def disputed_rate(self) -> float | None:
        return self.disputed / self.n if self.n else None

    @property
    def upheld_rate(self) -> float | None:
        return self.upheld / self.n if self.n else None


def _flag(*conditions) -> object:
    found = exists().where(Dispute.audit_id == Audit.id, *conditions)
    return func.sum(case((found, 1), else_=0))


def rates_by(session: Session, column, scope: Scope, start: datetime, end: datetime) -> dict:
    """`{value of column: Rate}` over the scope's approved audits finished in [start, end)."""
    stmt = (
        select(column, func.count(Audit.id), _flag(), _flag(Dispute.status == "upheld"))
        .where(*approved_filters(scope, start, end))
        .group_by(column)
    )
    return {
        key: Rate(n, disputed or 0, upheld or 0)
        for key, n, disputed, upheld in session.execute(stmt)
    }


def by_location(session: Session, scope: Scope, start: datetime, end: datetime) -> dict:
    """Dispute rates per location id."""
    return rates_by(session, Audit.location_id, scope, start, end)


def by_auditor(session: Session, scope: Scope, start: datetime, end: datetime) -> list:
    """Dispute rates per auditor, as `(id, name, Rate)` by name."""
    rates = rates_by(session, Audit.auditor_id, scope, start, end)
    if not rates:
        return []
    names = session.execute(select(User.id, User.name).where(User.id.in_(rates)))
    return sorted(((i, name, rates[i]) for i, name in names), key=lambda row: (row[1], row[0]))
