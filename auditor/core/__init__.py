"""The application's plumbing: settings from the environment, the extension singletons, database
engine tuning, domain errors, problem+json bodies and the audit log.

Everything else may import from here; `core` imports nothing of ours but `models`. Only
`problems.py` and `database.py` touch the request (they translate errors and pick a lock per
method); the rest takes what it needs as arguments.
"""
