"""Adoption analytics: daily rollups of imported events (``rollups``, ``tasks``), the metric
catalogue and its series (``metrics``), change markers (``markers``), dashboards
(``dashboard``, ``views``, ``api``, ``exports``), cached figures (``cache``) and pure
calculations on series (``comparison``, ``weekly``). Reads only rollups, never raw events.
"""
