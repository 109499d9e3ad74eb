"""Background work on the RQ queue, run by `kompis worker`."""

from __future__ import annotations

import click
from flask import current_app

QUEUE_NAME = "kompis"


def run_worker() -> None:
    """Work the Kompis queue until stopped."""
    from redis import Redis
    from rq import Queue, Worker

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("set REDIS_URL to the Redis the web app queues work on")
    connection = Redis.from_url(url)
    Worker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work()
