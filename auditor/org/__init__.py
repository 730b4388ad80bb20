"""The organisation audited: regions, locations (stores) with their time zones, the location CSV
import, and the distance check behind proof of visit.

Imports `core` and `models`; knows nothing of audits or requests.
"""
