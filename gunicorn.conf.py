"""gunicorn settings for altprov: `gunicorn -c gunicorn.conf.py altprov.wsgi`.

Sizing: pages spend much of their time waiting on PostgreSQL, so each worker
process runs several threads. WEB_CONCURRENCY processes (default: 2 per CPU)
times GUNICORN_THREADS threads (default 4) is how many requests are served at
once; raise the processes on a machine with more CPUs, the threads when the
database is the wait. Keep processes x threads below PostgreSQL's
max_connections minus what the Celery worker uses.
"""

import multiprocessing
import os

# Behind a reverse proxy on the same host; set HOST to listen elsewhere.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot build up over a term.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access log, to standard output by default (ACCESS_LOG=/path/file for a
# file, ACCESS_LOG= (empty) for none). Every line is written without link
# secrets or password-reset tokens, in the request line, query string and
# Referer alike (altprov/gunicorn_logging.py); the error log the same.
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = os.environ.get("ERROR_LOG", "-")
logger_class = "altprov.gunicorn_logging.RedactingLogger"
