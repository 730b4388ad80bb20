"""Checklists: the definition schema (DESIGN §6), versions and publishing, the diff between two
versions, and scoring (DESIGN §3).

`scoring.py` is pure: it takes a definition and answers as plain data and imports nothing from
Flask, the session or the models. The rest imports `core` and `models`.
"""
