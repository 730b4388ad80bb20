"""Scheduling a mystery-shopping programme (DESIGN §10.8): recurring visits to a set of stores by a
rotation of auditors, planned ahead under rules (rotation, minimum gap, daypart shares per 13
weeks, one place per auditor per daypart, days off, opening hours), saying which rule gives way
and where when they cannot all be met.

`dayparts`, `quotas` and `planner` are pure (no Flask, no session, no models): plain dataclasses
in, a plan and its warnings out. `service` loads schedules and turns plans into assignments
(imports `core`, `models`, `access`, `audits.assignments`); `claims` lets auditors take open,
unassigned visits (a conditional UPDATE); `jobs` holds the daily periodic job (imports
`notify.queue`). Never imports a face (`api`, `web`) or the request.
"""
