"""Benchmark of the reading submission flow (issue 4): the full flow against gunicorn on
PostgreSQL with 100,000 accounts, next to a bare Flask endpoint doing one INSERT.

    .venv/bin/python bench/readings.py [--accounts 100000] [--users 64] [--seconds 30] [--cpu]

Needs PostgreSQL (and Redis for the app's jobs and limits, as in production). Prints
submissions/s, p50/p99 latency of a submission (GET form + POST) and the ratio to the bare
endpoint's requests/s; with --cpu, the CPU time per submission (and per bare request) of the app
workers, PostgreSQL, Redis and the load generator, which share the machine's cores. This is a
measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402

DATABASE = "vodokabinet_bench"
APP_ROLE = "vodokabinet_app_bench"
HOST = "bench.localhost"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"'
                    r'|<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"')
VALUE_FIELD = re.compile(r'name="(value-[0-9a-f-]+\.\d)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (a superuser); the bench database is made on it")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=64, help="simulated residents at once")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-bare", action="store_true",
                        help="measure the app only (to compare two versions of it)")
    parser.add_argument("--cpu", action="store_true",
                        help="also print the CPU time each party spent per request (Linux /proc)")
    return parser.parse_args()


def prepare(args) -> dict[str, str]:
    """Create and fill the bench database once; returns the environment for the app servers."""
    server = psycopg.conninfo.conninfo_to_dict(args.server)
    with psycopg.connect(args.server, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone():
            admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
    host, port = server.get("host", "127.0.0.1"), server.get("port", "5432")
    owner = f"postgresql://{server.get('user', 'postgres')}@{host}:{port}/{DATABASE}"
    app_url = f"postgresql://{APP_ROLE}@{host}:{port}/{DATABASE}"
    env = {**os.environ, "DATABASE_URL": app_url, "MIGRATION_DATABASE_URL": owner,
           "REDIS_URL": args.redis, "REDIS_PREFIX": "vkbench", "SECRET_KEY": "bench-secret",
           "PLATFORM_DOMAIN": "localhost", "LOG_LEVEL": "WARNING", "BARE_DSN": owner}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    subprocess.run([*flask, "tenants", "load", "bench/tenants/"], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    with psycopg.connect(owner) as connection:
        tenant_id = connection.execute("SELECT id FROM tenants WHERE slug = 'bench'").fetchone()[0]
        settlement_id = connection.execute(
            "SELECT id FROM settlements WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
        connection.execute("CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, "
                           "value integer NOT NULL, at timestamptz NOT NULL DEFAULT now())")
        connection.execute("TRUNCATE bench_bare")
        # Earlier runs' submissions would make every run slower than the last.
        # TRUNCATE, not DELETE: the bench database holds the bench utility alone, and deleting
        # a million versions checks each against `readings` (billing_import.py leaves that many).
        connection.execute("TRUNCATE readings, reading_versions, reading_submissions")
        connection.commit()
    started = time.perf_counter()
    dataset.load(owner, tenant_id, settlement_id, args.accounts)
    print(f"dataset: {args.accounts} accounts ready in {time.perf_counter() - started:.1f} s")
    return env


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_session: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each party on the machine: the gunicorn
    workers (`server_session`: the session gunicorn was started in), PostgreSQL, Redis, and
    this load generator. Processes that ended meanwhile are not counted: PostgreSQL backends of
    a pooled app, the workers and Redis live through the measured window."""
    totals = dict.fromkeys(("app", "postgres", "redis", "load generator"), 0.0)
    own = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        used = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        if int(entry.name) == own:
            totals["load generator"] += used
        elif int(fields[3]) == server_session:
            totals["app"] += used
        elif name == "postgres" or name.startswith("postgres:"):
            totals["postgres"] += used
        elif name.startswith("redis-server"):
            totals["redis"] += used
    return totals


def report_cpu(before: dict[str, float], after: dict[str, float], requests: int) -> None:
    """Milliseconds of CPU per request (or submission) by party, and what they add up to."""
    spent = {party: (after[party] - before[party]) * 1000 / max(requests, 1) for party in after}
    parts = "  ".join(f"{party} {ms:5.2f}" for party, ms in spent.items())
    print(f"{'':<12} CPU ms each: {parts}  = {sum(spent.values()):5.2f}")


@contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int, port: int):
    """Serve `target` with gunicorn (sync workers) until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


async def sign_in(session: aiohttp.ClientSession, base: str, number: str) -> None:
    async with session.get(f"{base}/login", headers={"Host": HOST}) as response:
        page = await response.text()
    data = {"csrf_token": CSRF.search(page).group(1), "mode": "account",
            "identifier": number, "secret": dataset.PASSWORD}
    async with session.post(f"{base}/login?mode=account", data=data, headers={"Host": HOST},
                            allow_redirects=False) as response:
        if response.status != 302:
            raise RuntimeError(f"sign-in of {number} failed: {response.status}")


def form_data(page: str) -> dict[str, str]:
    data = {}
    for match in HIDDEN.finditer(page):
        name, value = (match.group(1), match.group(2)) if match.group(1) else (
            match.group(3), match.group(4))
        data[name] = value
    for field in VALUE_FIELD.findall(page):
        data[field] = str(100 + random.randint(1, 9))
    data["action"] = "transmit"
    return data


async def resident(base: str, number: str, stop_at: float, latencies: list[float],
                   errors: list[str]) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await sign_in(session, base, number)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            async with session.get(f"{base}/readings", headers={"Host": HOST}) as response:
                page = await response.text()
            async with session.post(f"{base}/readings", data=form_data(page),
                                    headers={"Host": HOST}, allow_redirects=False) as response:
                await response.read()
                if response.status != 303:
                    errors.append(f"POST /readings → {response.status}")
                    continue
            latencies.append(time.perf_counter() - started)


async def bare_client(base: str, stop_at: float, latencies: list[float]) -> None:
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            async with session.post(f"{base}/bare") as response:
                await response.read()
            latencies.append(time.perf_counter() - started)


def report(name: str, latencies: list[float], seconds: float) -> float:
    rate = len(latencies) / seconds
    ordered = sorted(latencies) or [0.0]
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<12} {len(latencies):>7} in {seconds:.0f} s  {rate:8.1f}/s  "
          f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    return rate


async def drive_app(base: str, session: int, args) -> float:
    numbers = [dataset.account_number(i) for i in random.sample(range(args.accounts), args.users)]
    latencies, errors = [], []
    stop_at = time.perf_counter() + 3600  # sign-ins first, then the measured window
    tasks = []
    ready = time.perf_counter()
    for number in numbers:
        tasks.append(asyncio.create_task(resident(base, number, stop_at, latencies, errors)))
    await asyncio.sleep(0)
    # Wait for every sign-in (argon2 is slow by design), then measure from a clean start.
    while len(latencies) < args.users and time.perf_counter() - ready < 120:
        await asyncio.sleep(0.2)
    latencies.clear()
    cpu_before = cpu_seconds(session) if args.cpu else None
    measured_from = time.perf_counter()
    await asyncio.sleep(args.seconds)
    count, elapsed = len(latencies), time.perf_counter() - measured_from
    cpu_after = cpu_seconds(session) if args.cpu else None
    snapshot = latencies[:count]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if errors:
        print(f"errors: {len(errors)} (first: {errors[0]})")
    rate = report("submissions", snapshot, elapsed)
    if args.cpu:
        report_cpu(cpu_before, cpu_after, count)
    return rate


async def drive_bare(base: str, session: int, args) -> float:
    latencies: list[float] = []
    cpu_before = cpu_seconds(session) if args.cpu else None
    stop_at = time.perf_counter() + args.seconds
    started = time.perf_counter()
    await asyncio.gather(*(bare_client(base, stop_at, latencies) for _ in range(args.users)))
    elapsed = time.perf_counter() - started
    rate = report("bare INSERT", latencies, elapsed)
    if args.cpu:
        report_cpu(cpu_before, cpu_seconds(session), len(latencies))
    return rate


def main() -> None:
    args = parse_args()
    env = prepare(args)
    print(f"gunicorn: {args.workers} sync workers; {args.users} simulated residents; "
          f"{args.seconds:.0f} s each; {os.cpu_count()} CPU cores shared with PostgreSQL and "
          "this load generator")
    with gunicorn("wsgi:app", env, args.workers, args.port) as (base, session):
        submissions = asyncio.run(drive_app(base, session, args))
    if args.no_bare:
        return
    with gunicorn("bench.bare_app:app", env, args.workers, args.port + 1) as (base, session):
        bare = asyncio.run(drive_bare(base, session, args))
    print(f"ratio: {submissions / bare:.2f} of the bare endpoint "
          f"(target ≥ 0.50; submissions target ≥ 300/s)")


if __name__ == "__main__":
    main()
