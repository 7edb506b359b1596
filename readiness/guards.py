"""What readiness use cases across the sub-packages check: refusing someone who may not
(``require``), and whether a user sees every area of a go-live (gate evidence and command
and control speak for all of them). (Free text keeps NHS numbers out through its model
fields, ``golive.fields``.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from golive.access import Access
from golive.models import GoLive


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def sees_whole_go_live(access: Access, go_live: GoLive) -> bool:
    """Gate evidence covers every area, so only users who may see them all may read it."""
    return access.sees_every_area(go_live)
