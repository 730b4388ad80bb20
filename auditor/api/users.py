"""User accounts (admin)."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, PageArgs, Text, page_schema, paginate
from auditor.core.extensions import db
from auditor.models import ROLES
from auditor.people import accounts, directory
from auditor.people.passwords import PasswordHashing

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts")


class UserSchema(ma.Schema):
    """A user as read back: never a password, which is write-only."""

    # read only (dumped, never loaded): "required" tells generated clients each is always there
    id = ma.fields.Integer(required=True)
    email = ma.fields.Email(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    region_ids = ma.fields.List(ma.fields.Integer(), required=True)
    location_id = ma.fields.Integer(required=True, allow_none=True)
    lead = ma.fields.Boolean(required=True)
    active = ma.fields.Boolean(required=True)

    @ma.post_dump(pass_original=True)
    def add_region_ids(self, data, user, **_kwargs):
        """Managers' regions read as ids."""
        data["region_ids"] = [region.id for region in user.regions]
        return data


class UserInputSchema(ma.Schema):
    """A user to create; the rules of each field are the domain's (people/accounts.py)."""

    email = ma.fields.Email(required=True, validate=accounts.USER["email"])
    name = Text(required=True, validate=accounts.USER["name"])
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    password = ma.fields.String(required=True, validate=accounts.USER["password"])
    region_ids = ma.fields.List(Id(), load_default=list, validate=ma.validate.Length(max=100))
    location_id = Id(allow_none=True, load_default=None)
    lead = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Staff only: the store's lead (sees and disputes its audits)."},
    )
    active = ma.fields.Boolean(load_default=True)


class UserArgs(PageArgs):
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))


@blp.route("")
class Users(MethodView):
    @blp.arguments(UserArgs, location="query")
    @blp.response(200, page_schema(UserSchema))
    def get(self, args):
        """All users (admin), optionally of one role."""
        access.require_role(current_user, "admin")
        stmt = directory.account_listing(args.pop("role", None))
        return paginate(db.session, stmt, **args)

    @blp.arguments(UserInputSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="A user with this email exists")
    def post(self, data):
        """Create a user of any role (admin)."""
        access.require_role(current_user, "admin")
        active = data.pop("active")
        user = accounts.create_user(db.session, current_user, hashing=_hashing(), **data)
        user.active = active
        db.session.commit()
        return user


def _hashing() -> PasswordHashing:
    return PasswordHashing.from_config(current_app.config)


@blp.route("/<id:user_id>")
class UserItem(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user (admin)."""
        return access.get_user_for(db.session, current_user, user_id)

    @blp.arguments(UserInputSchema(partial=True))
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user; a role change, new password or deactivation ends their sessions."""
        user = access.get_user_for(db.session, current_user, user_id)
        accounts.update_user(db.session, current_user, user, data, hashing=_hashing())
        db.session.commit()
        return user
