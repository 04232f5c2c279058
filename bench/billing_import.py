"""Benchmark of the billing exchange (issue 5) on PostgreSQL: a 1,000,000-row charges file through
`flask billing import`, next to a plain `COPY` of the same file into an unindexed table; then
`flask billing export-readings` of 1,000,000 current readings.

    .venv/bin/python bench/billing_import.py [--rows 1000000] [--accounts 500000]

Uses the bench database of bench/readings.py (made on first use). Prints rows/s of the import (a
first import: every row new; and the same file again: nothing changes), of the plain COPY, their
ratio, and the peak memory of each command's process; last, the floor under any import: the
imported rows, already resolved, COPY'd into a table shaped like `charges` with and without its
primary key and foreign key. This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402

PERIOD = "2026-03"


def cli_app():
    """The app with the billing commands, whether or not the factory registers them yet
    (`flask --app "bench.billing_import:cli_app()"`)."""
    from app import create_app
    from app.billing.exchange.cli import billing_cli

    app = create_app()
    if "billing" not in app.cli.commands:
        app.cli.add_command(billing_cli)
    return app


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (a superuser); the bench database is made on it")
    parser.add_argument("--rows", type=int, default=1_000_000, help="charges and readings")
    parser.add_argument("--accounts", type=int, default=500_000,
                        help="accounts (two meters each: the readings export needs rows/2)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    return parser.parse_args()


def prepare(args) -> tuple[str, dict[str, str], int]:
    owner, app_url = dataset.ensure_database(args.server)
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=app_url, MIGRATION_DATABASE_URL=owner, SECRET_KEY="bench-secret",
               PLATFORM_DOMAIN="localhost", LOG_LEVEL="WARNING")
    dataset.migrate(ROOT, env)
    tenant_id, settlement_id = dataset.bench_tenant(owner)
    started = time.perf_counter()
    # In a child process: the rows are built in memory, and a process forked from a big parent
    # reports the parent's peak memory as its own (ru_maxrss survives exec).
    loader = multiprocessing.get_context("fork").Process(
        target=dataset.load, args=(owner, tenant_id, settlement_id, args.accounts))
    loader.start()
    loader.join()
    print(f"dataset: {args.accounts} accounts ready in {time.perf_counter() - started:.1f} s")
    return owner, env, tenant_id


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `command`; (seconds, peak RSS in MB of its process, its output)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


def plain_copy(owner: str, path: Path) -> float:
    """Seconds to COPY the file as it is into an unindexed table of text columns."""
    with psycopg.connect(owner) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_plain_charges")
        connection.execute("CREATE TABLE bench_plain_charges (account_number text, period text, "
                           "service text, volume text, tariff text, amount text)")
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor, path.open("rb") as file, cursor.copy(
                "COPY bench_plain_charges FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while chunk := file.read(1 << 20):
                copy.write(chunk)
        connection.commit()
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_plain_charges")
        connection.commit()
    return seconds


FLOOR_TABLE = "bench_floor_charges"
FLOOR_CASES = (
    ("its primary key and account FK", True, True),
    ("its primary key only", True, False),
    ("no key, no FK", False, False),
)


def floor(owner: str, tenant_id: int, copy_seconds: float) -> None:
    """What no import can beat: the rows the import stored, already parsed, validated and
    resolved to account ids, written by a plain COPY into a table shaped like `charges`, with
    and without the keys `charges` has. Prints each time and its ratio to the plain COPY."""
    columns = ("tenant_id, account_id, period, service, volume_milli, tariff_kopecks, "
               "amount_kopecks, imported_at")
    with psycopg.connect(owner) as connection:
        rows = bytearray()
        with connection.cursor().copy(
                f"COPY (SELECT {columns} FROM charges WHERE tenant_id = {int(tenant_id)}) "
                "TO STDOUT") as copy:
            for chunk in copy:
                rows += chunk
        connection.commit()
        print("floor: the same rows, parsed and resolved, by plain COPY into a table shaped "
              "like charges, with")
        for label, primary_key, foreign_key in FLOOR_CASES:
            connection.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
            connection.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE charges INCLUDING DEFAULTS)")
            if primary_key:
                connection.execute(f"ALTER TABLE {FLOOR_TABLE} ADD PRIMARY KEY "
                                   "(tenant_id, account_id, period, service)")
            if foreign_key:
                connection.execute(f"ALTER TABLE {FLOOR_TABLE} ADD FOREIGN KEY "
                                   "(tenant_id, account_id) REFERENCES accounts (tenant_id, id)")
            connection.commit()
            started = time.perf_counter()
            with connection.cursor().copy(f"COPY {FLOOR_TABLE} ({columns}) FROM STDIN") as copy:
                for offset in range(0, len(rows), 1 << 20):
                    copy.write(rows[offset:offset + (1 << 20)])
            connection.commit()
            seconds = time.perf_counter() - started
            print(f"  {label:<32} {seconds:7.1f} s  {seconds / copy_seconds:5.1f}× the plain COPY")
        connection.execute(f"DROP TABLE {FLOOR_TABLE}")
        connection.commit()


def reset_charges(owner: str, tenant_id: int) -> None:
    with psycopg.connect(owner, autocommit=True) as connection:
        connection.execute("DELETE FROM charges WHERE tenant_id = %s", (tenant_id,))
        connection.execute("VACUUM (ANALYZE) charges")


def server_settings(owner: str) -> str:
    with psycopg.connect(owner) as connection:
        names = ("server_version", "shared_buffers", "work_mem", "max_wal_size",
                 "synchronous_commit")
        return ", ".join(f"{name}={connection.execute(f'SHOW {name}').fetchone()[0]}"
                         for name in names)


def main() -> None:
    args = parse_args()
    owner, env, tenant_id = prepare(args)
    print(f"server: {server_settings(owner)}; {os.cpu_count()} CPU cores shared by PostgreSQL "
          "and the importer")
    flask = [sys.executable, "-m", "flask", "--app", "bench.billing_import:cli_app()"]
    workdir = Path(tempfile.mkdtemp(prefix="billing-bench-"))
    charges = workdir / "charges.csv"
    dataset.write_charges(charges, args.rows, args.accounts, PERIOD)
    print(f"charges file: {args.rows} rows, {charges.stat().st_size / 1e6:.0f} MB")

    copy_seconds = plain_copy(owner, charges)
    copy_rate = args.rows / copy_seconds
    print(f"{'plain COPY':<24} {copy_seconds:7.1f} s  {copy_rate:10,.0f} rows/s")

    reset_charges(owner, tenant_id)
    import_command = [*flask, "billing", "import", "bench", "charges", str(charges)]
    for label in ("import, all new", "import again, unchanged"):
        seconds, peak, output = run_measured(import_command, env)
        rate = args.rows / seconds
        print(f"{label:<24} {seconds:7.1f} s  {rate:10,.0f} rows/s  "
              f"{seconds / copy_seconds:5.1f}× the plain COPY  peak {peak:5.0f} MB  [{output}]")
    print("targets: the import within 3× the plain COPY; peak memory under 300 MB")

    started = time.perf_counter()
    readings = dataset.load_readings(owner, tenant_id, date.fromisoformat(f"{PERIOD}-01"))
    print(f"readings: {readings} current readings of {PERIOD} made in "
          f"{time.perf_counter() - started:.1f} s")
    export = workdir / "readings.csv"
    seconds, peak, output = run_measured(
        [*flask, "billing", "export-readings", "bench", "--period", PERIOD, "-o", str(export)],
        env)
    with export.open("rb") as file:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    print(f"{'export-readings':<24} {seconds:7.1f} s  {(lines - 1) / seconds:10,.0f} rows/s  "
          f"peak {peak:5.0f} MB  {export.stat().st_size / 1e6:.0f} MB written  [{output}]")
    print("targets: 1,000,000 readings under 20 s, memory flat")
    # Last: it holds the rows in this process, and a command started after it would report
    # this process's peak memory as its own (ru_maxrss survives fork and exec).
    floor(owner, tenant_id, copy_seconds)
    if not args.keep:
        charges.unlink()
        export.unlink()
        workdir.rmdir()
    else:
        print(f"files kept in {workdir}")


if __name__ == "__main__":
    main()
