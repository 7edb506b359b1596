from rest_framework.pagination import LimitOffsetPagination


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """Pages of at most 500 rows, so one call cannot pull a whole staff table."""

    max_limit = 500
