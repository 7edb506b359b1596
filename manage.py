#!/usr/bin/env python
"""Django's command-line utility for Golive."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A bad environment variable: say which, without a stack trace.
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
