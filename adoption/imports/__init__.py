"""The extract import pipeline: one path for EPR events, staff lists and training completions.

Stages: ``files`` (file-level checks, streaming rows), ``profiles`` (how a vendor's columns
map to Golive fields), ``rows`` (per-row validation and transformation, errors collected),
``loading`` (set-wise merge), ``pipeline`` (orchestration of one batch).
"""
