"""Audits and the work around them: the life cycle of an audit (save, submit, review, post-visit
answers), the photos of an audit, planned visits (assignments and plans), and corrective actions
with their evidence.

Takes audits already loaded and locked by `auditor.access`; imports `core`, `models`,
`checklists`, `org`, `photos` and `notify.events` (to announce what happened), never a face
(`api`, `web`) or the request.
"""
