"""The RQ worker that runs jobs inside the app context held by `flask jobs worker`."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rq import SimpleWorker, Worker

from app.extensions import db
from app.jobs.queue import SERIALIZER, redis_connection, rq_queue
from app.jobs.runner import job_tenant_scope, record_failure, run_job

_RUN_JOB = f"{run_job.__module__}.{run_job.__qualname__}"


class AppWorker(Worker):
    """RQ's forking worker whose work horses use database connections of their own.

    The horse inherits the app context (and so `current_app`) from the worker through fork();
    `run_job` re-enters the job's tenant in it.
    """

    def main_work_horse(self, job, queue):
        # A pooled connection shared with the parent across fork() would carry two processes'
        # traffic on one socket; drop the inherited ones without closing them under the parent.
        for engine in db.engines.values():
            engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def perform_job(self, job, queue, execution):
        # Only the horse performs jobs, and it leaves with os._exit(): close its connections
        # first so the database sees a clean goodbye rather than a dropped socket.
        try:
            return super().perform_job(job, queue, execution)
        finally:
            for engine in db.engines.values():
                engine.dispose()

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        """The horse died mid-job (killed, out of memory): the outbox row counts a failed attempt
        now, rather than when its lease runs out."""
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if job.func_name != _RUN_JOB:
            return
        job_id, tenant_id = job.args
        signal = f" (signal {os.WTERMSIG(ret_val)})" if ret_val and os.WIFSIGNALED(ret_val) else ""
        try:
            with job_tenant_scope(tenant_id):
                record_failure(job_id, f"Work horse {retpid} terminated unexpectedly{signal}.")
        finally:
            db.session.remove()


def make_worker(queues: Sequence[str], *, fork: bool = True) -> Worker | SimpleWorker:
    """A worker for `queues`; `fork=False` runs jobs in the worker's own process (tests, debug)."""
    worker_class = AppWorker if fork else SimpleWorker
    return worker_class(
        [rq_queue(name) for name in queues], connection=redis_connection(), serializer=SERIALIZER
    )
