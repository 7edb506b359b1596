"""The project's URLs with single sign-on mounted, as ``golive.urls`` mounts them when
``OIDC_ENABLED`` is set at start-up (it decides once, at import, so tests cannot toggle it)."""

from django.urls import include, path

from golive.urls import urlpatterns as golive_urlpatterns

urlpatterns = [
    # Skip golive's own mount in case this run started with OIDC switched on by environment.
    *(pattern for pattern in golive_urlpatterns if str(pattern.pattern) != "oidc/"),
    path("oidc/", include("golive.oidc_urls")),
]
