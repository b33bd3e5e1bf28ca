"""gunicorn's configuration for the web process (deploy/supervisord.conf starts it).

https://docs.gunicorn.org/en/stable/settings.html. Sync workers: each request is short and
bounded (every call to Redis, the broker and the database has a timeout), so a worker is never
held for long; more capacity is more workers or more hosts.
"""

import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A request that takes longer than this is killed with its worker (logged by gunicorn).
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
# Fresh workers now and then: no slow growth of memory over weeks.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# The proxy in front (deploy/nginx.conf) sets X-Forwarded-Proto; Django trusts it through
# DJANGO_SECURE_PROXY_SSL_HEADER. gunicorn's own trust is limited to the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
