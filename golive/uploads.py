"""A cap on request bodies, applied before Django reads one.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves file uploads out, and the import service's own size
check runs only after Django has spooled the whole upload to disk: a 1,000 MB upload was
written out in full before being refused. This middleware refuses a body whose declared
length passes ``GOLIVE_MAX_UPLOAD_BYTES`` before anything reads it (the WSGI server never
hands Django more than the declared length). It sits before every middleware that might
read the body (CSRF reads the form), and before authentication: nobody's upload is spooled.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django itself treats an unreadable length as no body


class MaxRequestBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.GOLIVE_MAX_UPLOAD_BYTES)
        size = declared_length(request)
        if size <= limit:
            return self.get_response(request)
        message = (
            f"The upload is {megabytes(size)}; the limit is {megabytes(limit)}. Split the "
            "extract by date range (or compress it as .csv.gz) and upload the parts."
        )
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"code": "REQUEST_TOO_LARGE", "message": message}, status=413
            )
        else:
            page = render_to_string("413.html", {"message": message})
            response = HttpResponse(page, status=413)
        # The unread body is still on the connection: close it rather than read it.
        response["Connection"] = "close"
        return response
