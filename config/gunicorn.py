"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`. From the environment:
THREELINES_BIND (127.0.0.1:8000), WEB_CONCURRENCY (2 × cores + 1), THREELINES_WEB_THREADS (1)."""

import json
import multiprocessing
import os

bind = os.environ.get("THREELINES_BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("THREELINES_WEB_THREADS") or 1)
timeout = 60  # a report is rendered by a worker, never in a request
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then; jitter keeps them from all restarting
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("THREELINES_FORWARDED_ALLOW_IPS") or "127.0.0.1"
errorlog = "-"
accesslog = "-"
# One JSON object per request, like the application's own logs (no query strings: they may
# carry names).
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_us": "%(D)s",
        "remote": "%(h)s",
    }
)
