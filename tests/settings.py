"""The test suite's settings: the portal's own, with a key of its own.

`portal.settings` refuses to start with DEBUG off and no DJANGO_SECRET_KEY, and the suite runs with
DEBUG off like production. The key is set in the environment, so the processes the tests start
(Celery workers, gunicorn, `manage.py check --deploy`) inherit it.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-never-secret-" + "x" * 40)

from portal.settings import *  # noqa: F403
