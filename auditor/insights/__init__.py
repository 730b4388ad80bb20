"""What the numbers say: the shared query vocabulary (scope, approved audits of a checklist),
rankings, breakdowns and heatmaps, staff scorecards, statistics, charts and exports.

Read-only: aggregates in SQL and computes statistics in small pure functions. Imports `core`,
`models` and `checklists`; never a face or the request.
"""
