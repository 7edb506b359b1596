"""Imports: EPR events, staff lists, training completions and e-rosters, from upload to
committed batch.

The pipeline's stages: ``files`` (file-level checks, streaming rows), ``profiles`` (how a
vendor's columns map to Golive fields), ``rows`` (per-row validation and transformation,
errors collected; ``fastpath`` for valid event rows; ``keys`` for the event natural key),
``loading``/``staff``/``training``/``roster`` (set-wise merges), ``pipeline`` (orchestration
of one batch; ``reactions`` is what other parts of Golive registered to run once a batch
commits). Around it: ``services`` (uploads, partial commits, mapping profiles), ``tasks``
and ``housekeeping`` (the worker and the sweeper), ``selectors``, ``forms``, ``views``,
``api``, ``progress``, ``demo``.
"""
