"""`flask --app wsgi jobs worker`: run background jobs from Redis."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.queue import QUEUES
from app.jobs.worker import make_worker

jobs_cli = AppGroup("jobs", help="Background jobs (RQ on Redis).")


@jobs_cli.command("worker")
@click.argument("queues", nargs=-1, type=click.Choice(QUEUES))
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
@click.option(
    "--fork/--no-fork",
    default=True,
    show_default=True,
    help="Run each job in a forked work horse (isolates crashes and leaks).",
)
def worker_command(queues: tuple[str, ...], burst: bool, fork: bool) -> None:
    """Run a worker for QUEUES (default: high default low, drained in that order)."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("jobs run in-process when REDIS_URL is unset; no worker needed")
    make_worker(queues or QUEUES, fork=fork).work(
        burst=burst, logging_level=current_app.config["LOG_LEVEL"]
    )
