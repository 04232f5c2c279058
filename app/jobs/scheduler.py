"""The scheduler process: enqueues periodic jobs as their minutes come and keeps the relay going.

`flask --app wsgi jobs scheduler` ticks every few seconds: each tick enqueues the periodic jobs due
(each (job, minute) at most once, however many schedulers run) and runs one relay pass. A tick that
fails (database restarting) is logged and the next one tries again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from app import clock
from app.extensions import db
from app.jobs.periodic import enqueue_due
from app.jobs.relay import RelayReport, relay

logger = logging.getLogger(__name__)


@dataclass
class Tick:
    enqueued: list[str] = field(default_factory=list)  # unique keys of periodic jobs
    relay: RelayReport | None = None


def tick(now: datetime | None = None) -> Tick:
    """Enqueue the periodic jobs due at `now`, then relay the outbox once."""
    now = now or clock.now()
    try:
        enqueued = enqueue_due(now)
        return Tick(enqueued, relay(now))
    finally:
        db.session.remove()


def run_scheduler(interval: float, *, ticks: int | None = None) -> None:
    """Tick every `interval` seconds, forever (or `ticks` times)."""
    done = 0
    while ticks is None or done < ticks:
        started = time.monotonic()
        try:
            result = tick()
            if result.enqueued or (result.relay and (result.relay.handed_on or result.relay.lost)):
                logger.info(
                    "scheduler: %d periodic job(s) enqueued, %d handed on, %d lost",
                    len(result.enqueued),
                    result.relay.handed_on,
                    result.relay.lost,
                )
        except Exception:
            logger.exception("scheduler tick failed; trying again in %s s", interval)
        done += 1
        if ticks is None or done < ticks:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
