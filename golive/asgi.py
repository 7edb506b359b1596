import os
import sys

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")
try:
    application = get_asgi_application()
except ImproperlyConfigured as error:
    # A bad environment variable: say which, without a stack trace.
    sys.exit(f"Configuration error: {error}")
