"""Disputes (DESIGN §10.4): a store's lead staff member or a manager of its region disputes one
question's result of an approved audit within 14 days of its approval, optionally with a photo;
an admin upholds it (the answer corrected as a revision of kind `dispute`, the audit rescored,
so every ranking, scorecard and export follows) or rejects it. Owns who may open and see
disputes (`scope`), opening and its photo (`opening`), settling (`settle`), listings and marks
(`listing`) and the dispute rates of the manager pages (`rates`).

Takes audits loaded through `auditor.access`; imports `core`, `models`, `access`, `audits` (the
one correction path, the photo pipeline's `store_photo`), `insights.queries` (the scope of the
rates), `notify.events` (late, in `events`) and `photos`; never a face (`api`, `web`) or the
request.
"""
