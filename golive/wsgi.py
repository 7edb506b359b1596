import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # A bad environment variable: say which, without a stack trace.
    sys.exit(f"Configuration error: {error}")
