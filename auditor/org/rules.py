"""What a region's and a location's fields may hold: one rule per field, whichever way in
(API, admin pages, CSV import, demo). The API schemas declare these rules; the domain
functions in `organisation` apply them again to everything else."""

import marshmallow as ma

from auditor.core.field_rules import FullMatch, Rule, number, text
from auditor.org.hours import validate_hours

CODE_MAX = 40
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
CODE_MESSAGE = "Letters, digits, '.', '_' or '-', starting with a letter or digit."
LOCATION_NAME_MAX = 200
REGION_NAME_MAX = 120
ADDRESS_MAX = 500
LATITUDE = (-90, 90)
LONGITUDE = (-180, 180)

LOCATION: dict[str, list[Rule]] = {
    "code": [
        ma.validate.Length(min=1, max=CODE_MAX),
        FullMatch(CODE_PATTERN, error=CODE_MESSAGE),
    ],
    "name": text(1, LOCATION_NAME_MAX),
    "address": text(0, ADDRESS_MAX),
    "lat": number(*LATITUDE),
    "lon": number(*LONGITUDE),
    "opening_hours": [validate_hours],
}
REGION: dict[str, list[Rule]] = {"name": text(1, REGION_NAME_MAX)}
