from __future__ import annotations

from golive.access import Capability

IMPORT_CAPABILITY: dict[str, Capability] = {
    "events": Capability.MANAGE_ADOPTION,
    "staff": Capability.IMPORT_STAFF,
    "training": Capability.RECORD_COMPLETIONS,
    "roster": Capability.MANAGE_CHAMPIONS,
}


def capability_for(kind: str) -> Capability:
    """Who may upload a kind of file; rows are further limited to the uploader's areas."""
    return IMPORT_CAPABILITY[kind]
