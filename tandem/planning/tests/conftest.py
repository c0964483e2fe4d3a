"""Planning test fixtures (the browser fixtures come from the root conftest.py)."""

import pytest


@pytest.fixture
def small(db):
    """A small generated College with a Spring 2020 wish list: (college, admin user, wish list)."""
    import random

    from tandem.planning.models import WishList

    from .factories import small_college

    college, admin = small_college(random.Random(5))
    return college, admin, WishList.objects.get(college=college)
