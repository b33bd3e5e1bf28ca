"""WSGI entry point for gunicorn: `gunicorn portal.wsgi` (deploy/gunicorn.conf.py).

With DEBUG off a process without collected static files refuses to start (portal.checks), rather
than answering 500 on every page.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.checks import require_collected_static  # noqa: E402  (needs the apps loaded)

require_collected_static()
