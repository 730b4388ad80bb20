"""What the benchmarks' made-up worlds share: stores spread over ten regions."""

from sqlalchemy import insert, select

from auditor.core.extensions import db
from auditor.models import Location, Region


def insert_locations(regions: list[Region], count: int) -> list[int]:
    """`count` active stores, L0000 on, dealt over the regions in turn; answers their ids."""
    rows = [
        {
            "code": f"L{i:04d}",
            "name": f"Store {i}",
            "region_id": regions[i % len(regions)].id,
            "address": "",
            "timezone": "UTC",
            "active": True,
        }
        for i in range(count)
    ]
    db.session.execute(insert(Location), rows)
    return list(db.session.scalars(select(Location.id)))
