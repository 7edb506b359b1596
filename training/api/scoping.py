"""What the training API resolves a posted go-live id against: the go-lives the caller may
see. Shared by the viewsets that take a go-live in their request body."""

from __future__ import annotations

from rest_framework import serializers

from golive.access import Access
from golive.models import GoLive


def visible_go_live(access: Access, go_live_id: int) -> GoLive:
    go_live = access.go_lives().filter(pk=go_live_id).first()
    if go_live is None:
        raise serializers.ValidationError(
            {"go_live": ["There is no go-live with this id that you can see."]}
        )
    return go_live
