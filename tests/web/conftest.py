"""Fixtures of the page tests: the two-region world of page_world.py."""

import pytest

from tests.web.page_world import World, build_world


@pytest.fixture
def world(app) -> World:
    return build_world()
