"""Gunicorn settings for running Kompis in production: `gunicorn 'web:create_app()'`."""

import multiprocessing
import os

from gunicorn.glogging import Logger

from web.redaction import redact_path

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
# Two workers per core, plus one: the app mostly waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Bounded request line and headers; bodies are bounded by the app (MAX_CONTENT_LENGTH).
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
# Leave out query strings: search terms may hold names.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(D)sµs'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class RedactingLogger(Logger):
    """The access log, without the tokens of sent links: a token opens someone's confirmation or follow-up."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


logger_class = RedactingLogger
