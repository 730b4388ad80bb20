"""factory_boy factories for domain objects, saved through the test's session."""

import factory
from factory.alchemy import SQLAlchemyModelFactory
from flask import current_app

from auditor.core.extensions import db
from auditor.models import Location, Region, User
from auditor.people.passwords import PasswordHashing, hash_password

PASSWORD = "correct-horse"


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class RegionFactory(_Base):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")


class LocationFactory(_Base):
    class Meta:
        model = Location

    code = factory.Sequence(lambda n: f"LOC-{n:03d}")
    name = factory.Sequence(lambda n: f"Store {n}")
    region = factory.SubFactory(RegionFactory)
    address = "Main street 1"
    lat = 52.52
    lon = 13.405
    timezone = "Europe/Berlin"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    role = "auditor"
    password_hash = factory.LazyFunction(
        lambda: hash_password(PASSWORD, PasswordHashing.from_config(current_app.config))
    )

    @factory.post_generation
    def regions(self, create, extracted, **_kwargs):
        """Managers get the given regions (a fresh one when none is given)."""
        if self.role == "manager":
            self.regions = list(extracted) if extracted is not None else [RegionFactory()]
            db.session.commit()
