"""`flask --app wsgi jobs worker | scheduler | relay`: the background job processes."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.policy import QUEUES

jobs_cli = AppGroup("jobs", help="Background jobs: RQ workers, the scheduler, the outbox relay.")


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
    from app.jobs.worker import make_worker

    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("jobs run in-process when REDIS_URL is unset; no worker needed")
    make_worker(queues or QUEUES, fork=fork).work(
        burst=burst, logging_level=current_app.config["LOG_LEVEL"]
    )


@jobs_cli.command("scheduler")
@click.option(
    "--interval", default=5.0, show_default=True, help="Seconds between two ticks.", type=float
)
@click.option("--ticks", type=click.IntRange(min=1), help="Stop after this many ticks.")
def scheduler_command(interval: float, ticks: int | None) -> None:
    """Enqueue periodic jobs once per due minute and relay the outbox, until stopped."""
    from app.jobs.scheduler import run_scheduler

    run_scheduler(interval, ticks=ticks)


@jobs_cli.command("relay")
def relay_command() -> None:
    """Hand waiting outbox rows on once (to RQ, or run them here without Redis)."""
    from app.jobs.relay import relay

    report = relay()
    click.echo(
        f"handed on: {report.handed_on}, lost workers: {report.lost}, "
        f"vanished from Redis: {report.requeued}"
        + ("; Redis is unavailable, the rest waits" if report.redis_down else "")
    )
    if report.redis_down:
        raise SystemExit(1)
