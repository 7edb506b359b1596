"""Set-up services under concurrency: a clash the checks could not see is a refusal."""

from __future__ import annotations

import pytest

from administration.structure import services
from golive.models import Area
from golive.refusals import Conflict

from .conftest import Trust

pytestmark = pytest.mark.django_db


def test_an_area_saved_with_a_code_taken_a_moment_ago_is_refused_not_a_server_error(
    trust: Trust,
) -> None:
    # As if another request created W1 after this one checked that the code was free.
    clash = Area(site=trust.site, code="W1", name="Ward One again")

    with pytest.raises(Conflict) as refused:
        services._clean_and_save(clash)

    assert refused.value.code == "duplicate"
    assert Area.objects.filter(site=trust.site, code="W1").count() == 1
