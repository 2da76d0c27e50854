#!/usr/bin/env python
"""Django's command-line utility for Newsroom's administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands run on a developer's machine by default, as in cookiecutter-django; production
    # sets DEBUG=false (the web server, through config/wsgi.py, is production unless told).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
