"""The demo data set loaded by `flask seed-demo`: regions, stores, people, the default checklist
and a few hundred scored audits with photos, the same for the same seed.

Uses the domain packages as the app does, so demo data obeys every rule real data does.
"""
