"""The organisation audited: regions, locations (stores) with their time zones, their listings
for tables and forms, the location CSV import, and the distance check behind proof of visit.

Imports `core`, `models` and `auditor.access` (listings are scoped there); knows nothing of
audits or requests.
"""
