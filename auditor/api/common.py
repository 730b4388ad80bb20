"""Shapes every API resource shares: pagination, list envelopes, query arguments."""

from functools import cache

import marshmallow as ma
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from auditor.core.paging import fetch_page

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
ID_MAX = 2**31 - 1  # ids live in 32-bit integer columns


class Text(ma.fields.String):
    """A string trimmed before it is validated, so that a name of only spaces or control
    characters (which str.strip() removes) is refused rather than stored empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Id(ma.fields.Integer):
    """A database id from 1 to 2**31 - 1 (larger ones would not fit a column). In JSON bodies
    it must be a number; query strings (`strict=False`) carry it as text."""

    def __init__(self, *, strict: bool = True, **kwargs):
        super().__init__(strict=strict, validate=ma.validate.Range(min=1, max=ID_MAX), **kwargs)


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: ids out of range are simply not found."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=ID_MAX)


def id_converter_schema(_converter) -> dict:
    """How `<id:...>` path parameters read in the OpenAPI document."""
    return {"type": "integer", "minimum": 1, "maximum": ID_MAX}


class QuerySchema(ma.Schema):
    """Query strings ignore what they do not know (cache busters, tracking parameters)."""

    class Meta:
        unknown = ma.EXCLUDE


class PageArgs(QuerySchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )


@cache
def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The `{items, total, page, per_page}` envelope around one item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        },
        name=name,
    )


def paginate(session: Session, stmt: Select, page: int, per_page: int) -> dict:
    """The `{items, total, page, per_page}` envelope of page `page` of `stmt`'s rows."""
    found = fetch_page(session, stmt, page, per_page)
    return {"items": found.items, "total": found.total, "page": page, "per_page": per_page}


class LocationRefSchema(ma.Schema):
    """A location named inside another object."""

    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class UserRefSchema(ma.Schema):
    """A person named inside another object."""

    id = ma.fields.Integer()
    name = ma.fields.String()


class ChecklistRefSchema(ma.Schema):
    """The checklist version an audit was made with."""

    id = ma.fields.Integer()
    key = ma.fields.String()
    version = ma.fields.Integer()
