"""Benchmark of window reminders (issue 7) on PostgreSQL and Redis: the reminder of the bench
utility's opening window to every resident, through the real path (the scheduler's tick job,
the planning job, one delivery job per batch) run by two `flask jobs worker` processes, into the
`.eml` outbox.

    .venv/bin/python bench/reminders.py [--residents 100000] [--workers 2]

Uses a database of its own, `vodokabinet_bench_reminders` (made and filled on first use with
bench/dataset.py: one resident per account, each with an e-mail and two meters, none of which has
submitted for the period), so the other benchmarks' data never changes the count. Prints
the time until every batch is queued (target < 60 s) and until every mail is in the outbox
(target < 10 min), with the rate. This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402

# 10:00 in Moscow (the bench utility's zone) on the day its March 2027 window opens; no earlier
# run of any benchmark submits readings for that period.
NOW = "2027-03-01T07:00:00Z"
PERIOD = "2027-03-01"
PREFIX = "vkremind"
DATABASE = "vodokabinet_bench_reminders"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (a superuser); the bench database is made on it",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="`flask jobs worker` processes")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after, seconds")
    return parser.parse_args()


def prepare(args, outbox: Path) -> tuple[str, dict[str, str], int]:
    """The bench database filled for `--residents`, this benchmark's earlier mailings and queued
    jobs gone; returns the owner's URL, the environment of the app processes, the tenant id."""
    owner, app_url = ensure_database(args.server)
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "MIGRATION_DATABASE_URL": owner,
        "REDIS_URL": args.redis,
        "REDIS_PREFIX": PREFIX,
        "SECRET_KEY": "bench-secret",
        "PLATFORM_DOMAIN": "localhost",
        "LOG_LEVEL": "WARNING",
        "MAIL_BACKEND": "outbox",
        "MAIL_OUTBOX_DIR": str(outbox),
    }
    dataset.migrate(ROOT, env)
    tenant_id, settlement_id = dataset.bench_tenant(owner)
    started = time.perf_counter()
    dataset.load(owner, tenant_id, settlement_id, args.residents)
    print(f"dataset: {args.residents} residents ready in {time.perf_counter() - started:.1f} s")
    with psycopg.connect(owner) as connection:
        connection.execute("DELETE FROM mailings WHERE tenant_id = %s", (tenant_id,))
        connection.execute("DELETE FROM tenant_jobs WHERE tenant_id = %s", (tenant_id,))
        connection.execute("DELETE FROM platform_jobs")
    _forget_queues(args.redis)
    return owner, env, tenant_id


def ensure_database(server_url: str) -> tuple[str, str]:
    """This benchmark's database and the bench app role (not the tables' owner, so row-level
    security applies); returns the owner's and the app's connection URLs."""
    server = psycopg.conninfo.conninfo_to_dict(server_url)
    with psycopg.connect(server_url, autocommit=True) as admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        if not admin.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (dataset.APP_ROLE,)
        ).fetchone():
            admin.execute(f"CREATE ROLE {dataset.APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
    host, port = server.get("host", "127.0.0.1"), server.get("port", "5432")
    owner = f"postgresql://{server.get('user', 'postgres')}@{host}:{port}/{DATABASE}"
    return owner, f"postgresql://{dataset.APP_ROLE}@{host}:{port}/{DATABASE}"


def _forget_queues(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"*{PREFIX}:*"):
        client.delete(key)
    client.close()


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "jobs",
        "worker",
        "high",
        "default",
        "low",
    ]
    return [
        subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True) for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def enqueue_tick(env: dict[str, str]) -> None:
    """What the scheduler does at 10:00: queue the tick (as no tenant) for that minute."""
    os.environ.update(env)
    from app import create_app
    from app.jobs import enqueue

    app = create_app()
    with app.app_context():
        enqueue("notifications.reminders_tick", tenant_id=None, now=NOW)


def mailing_state(owner: str, tenant_id: int):
    with psycopg.connect(owner) as connection:
        return connection.execute(
            "SELECT status, recipients, batches, batches_done, emails_sent FROM mailings "
            "WHERE tenant_id = %s AND kind = 'window_opens' AND period = %s",
            (tenant_id, PERIOD),
        ).fetchone()


def count_mail(outbox: Path) -> int:
    if not outbox.is_dir():
        return 0
    with os.scandir(outbox) as entries:
        return sum(1 for entry in entries if entry.name.endswith(".eml"))


def main() -> None:
    args = parse_args()
    outbox = Path(tempfile.mkdtemp(prefix="vk-reminders-outbox-"))
    try:
        owner, env, tenant_id = prepare(args, outbox)
        workers = start_workers(env, args.workers)
        try:
            time.sleep(3)  # the workers are listening
            started = time.perf_counter()
            enqueue_tick(env)
            queued_at = delivered_at = None
            reported = started
            while time.perf_counter() - started < args.timeout:
                state = mailing_state(owner, tenant_id)
                if queued_at is None and state and state[0] == "sending":
                    queued_at = time.perf_counter()
                    print(
                        f"queued: {state[1]} recipients in {state[2]} batches "
                        f"{queued_at - started:.1f} s after the tick"
                    )
                sent = count_mail(outbox)
                if state and state[0] == "sending" and sent >= state[1]:
                    delivered_at = time.perf_counter()
                    break
                if time.perf_counter() - reported > 30:
                    reported = time.perf_counter()
                    print(f"  {reported - started:6.0f} s: {sent} mails in the outbox")
                time.sleep(1)
        finally:
            stop_workers(workers)
        state = mailing_state(owner, tenant_id)
        if queued_at is None or delivered_at is None:
            print(
                f"gave up after {args.timeout:.0f} s: mailing {state}, "
                f"{count_mail(outbox)} mails in the outbox"
            )
            sys.exit(1)
        elapsed = delivered_at - started
        print(
            f"delivered: {count_mail(outbox)} mails by {args.workers} workers in {elapsed:.1f} s "
            f"({state[4] / elapsed:.0f} mails/s; batches done {state[3]} of {state[2]}); "
            f"{os.cpu_count()} CPU cores shared with PostgreSQL"
        )
        print(
            f"targets: queued < 60 s: {'yes' if queued_at - started < 60 else 'NO'}; "
            f"delivered < 600 s: {'yes' if elapsed < 600 else 'NO'}"
        )
    finally:
        shutil.rmtree(outbox, ignore_errors=True)


if __name__ == "__main__":
    main()
