"""Fixtures the API tests share: a store with the published default checklist, an auditor."""

import pytest

from tests.api.audit_helpers import Store, published_store
from tests.conftest import ApiClient


@pytest.fixture
def store(app) -> Store:
    """The default checklist, published, and one store with a manager and a staff member."""
    return published_store()


@pytest.fixture
def auditor(login_as) -> ApiClient:
    """A new auditor, logged in through the API."""
    return login_as("auditor")
