"""Training over the API, one module per sub-domain; ``golive/urls.py`` registers each
module's viewsets. Querysets are scoped through ``Access``; services decide what may
change."""
