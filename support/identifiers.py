"""Keep patient identifiers out of ticket text: people type NHS numbers into free text. The
rule itself lives beside the other identifier rules, for every app's free text."""

from __future__ import annotations

from adoption.imports.identifiers import REMOVED, remove_nhs_numbers

__all__ = ["REMOVED", "remove_nhs_numbers"]
