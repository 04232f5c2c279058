"""Importing one billing file (SPEC §4): every row checked, then all of it applied or none.

`import_file(tenant, kind, path)` reads the file once: each row is parsed cell by cell and the good
ones are staged (PostgreSQL: COPY; SQLite: batched inserts) — or, for the big charges and payments
files on PostgreSQL, the file itself is COPYed and checked in SQL (`fastpath`), only the rows SQL
does not accept coming back to the Python parsers; then the whole file is checked against
the database and merged set-based (a charges or payments file of new rows in one plain INSERT,
its table's key refusing repeats: `merge.append`). Any problem — a bad cell, an unknown account, a
repeated row — and the savepoint is rolled back: the database is as it was. The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.accounts.models import fill_folded_columns
from app.billing.exchange import fastpath, merge, postgres, sqlite
from app.billing.exchange.csvfile import FileProblem, Problem, count_lines, read_layout, read_rows
from app.billing.exchange.formats import FileFormat, ForeignNumber, file_format
from app.billing.exchange.values import Invalid
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from app.tenancy.snapshot import TenantSnapshot

MAX_PROBLEMS = 1000  # kept with line, column and reason; beyond that only counted
PROGRESS_EVERY = 10_000

Progress = Callable[[int, int], None]  # (rows read, rows expected)


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS
    problem_count: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class _Problems:
    """Every problem counted, the first MAX_PROBLEMS kept."""

    def __init__(self):
        self.kept: list[Problem] = []
        self.count = 0
        self.foreign = 0  # rows naming an account number not of this tenant's format

    def add(self, problem: Problem, *, foreign: bool = False) -> None:
        self.count += 1
        self.foreign += foreign
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(problem)


def import_file(
    tenant: TenantSnapshot, kind: str, path: Path | str, *, progress: Progress | None = None
) -> ImportResult:
    """Import the billing file `path` of `kind` into `tenant`: all rows or, on any problem, none."""
    with tenant_scope(tenant):
        session = db.session
        # In the tenant file's order: messages list the codes as staff know them.
        order = {
            settlement.code: index for index, settlement in enumerate(tenant.config.settlements)
        }
        settlements = dict(
            sorted(
                session.execute(select(Settlement.code, Settlement.id)).all(),
                key=lambda row: order.get(row[0], len(order)),
            )
        )
        spec = file_format(kind, tenant, settlements)
        result = ImportResult(kind)
        try:
            layout = read_layout(path, spec)
        except FileProblem as exc:
            return _refused(result, exc.problems, len(exc.problems))
        expected = count_lines(path)
        backend = postgres if session.get_bind().dialect.name == "postgresql" else sqlite
        savepoint = session.begin_nested()
        try:
            problems = _Problems()
            staged = None
            if backend is postgres and fastpath.applies(spec):
                staged = fastpath.stage_file(
                    session,
                    spec,
                    layout,
                    path,
                    tenant=tenant,
                    settlements=settlements,
                    expected_rows=expected,
                    parse_row=row_parser(spec, layout.header, problems),
                )
            if staged is not None:
                result.rows, readable = staged, True
            else:
                with backend.stage_rows(session, spec, layout.header, tenant.id) as write:
                    result.rows, readable = _read(
                        path, layout, spec, write, problems, progress, expected
                    )
            checked = merge.Checked([])
            # Where the table's key is the file's, a file of new rows goes in without looking for
            # repeats first (merge.append): the key finds them if there are any.
            appendable = merge.appendable(spec)
            now = clock.now()
            counts = None
            if readable:  # a file broken half-way has no whole to check
                if kind != "accounts":
                    merge.resolve_accounts(session, backend.dialect, tenant.id)
                checked = merge.check(
                    session,
                    spec,
                    several_settlements=len(settlements) > 1,
                    limit=MAX_PROBLEMS,
                    repeats=not appendable,
                )
                if appendable and not (problems.count or checked.count):
                    counts = merge.append(
                        session, backend.dialect, spec, tenant_id=tenant.id, now=now
                    )
                if appendable and counts is None:  # refused by the key, or refused anyway
                    checked = checked.joined(merge.check_repeats(session, spec, limit=MAX_PROBLEMS))
            if problems.count or checked.count:
                savepoint.rollback()
                kept = sorted(problems.kept + checked.problems, key=lambda p: p.line)
                return _refused(
                    result,
                    kept[:MAX_PROBLEMS],
                    problems.count + checked.count,
                    unknown=problems.foreign + checked.unknown_accounts,
                )
            if counts is None:
                counts = merge.apply(
                    session,
                    backend.dialect,
                    spec,
                    tenant_id=tenant.id,
                    now=now,
                    today=now.astimezone(tenant.time_zone).date(),
                )
            if kind == "accounts":
                fill_folded_columns(session)
            backend.drop_staging(session)
            savepoint.commit()
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        result.inserted, result.updated = counts.inserted, counts.updated
        result.unchanged = result.rows - counts.inserted - counts.updated
        if progress is not None:
            progress(result.rows, result.rows)
        result.message = _summary(result)
        return result


def _read(
    path, layout, spec: FileFormat, write, problems: _Problems, progress, expected
) -> tuple[int, bool]:
    """Parse every row, stage the good ones, collect the problems; (rows read, whether the
    file could be read to its end)."""
    parse_row = row_parser(spec, layout.header, problems)
    rows = 0
    try:
        for line, cells in read_rows(path, layout):
            rows += 1
            if rows % PROGRESS_EVERY == 0 and progress is not None:
                progress(rows, max(rows, expected))
            values = parse_row(line, cells)
            if values is not None:
                write(line, values)
    except FileProblem as exc:
        for problem in exc.problems:
            problems.add(problem)
        return rows, False
    return rows, True


def row_parser(spec: FileFormat, header, problems: _Problems):
    """`parse(line, cells)`: the row's values in `header` order, or None with every problem of
    the row recorded."""
    parsers = [spec.by_name[name].parse for name in header]
    width, check = len(parsers), spec.check

    def parse_row(line: int, cells: list[str]) -> list | None:
        if len(cells) != width:
            # Spreadsheets like to end rows with a separator or two.
            if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width]
            else:
                problems.add(
                    Problem(line, None, f"в строке {len(cells)} столбцов, в заголовке {width}")
                )
                return None
        try:
            values = [parse(cell) for parse, cell in zip(parsers, cells, strict=True)]
        except Invalid:
            # Name every bad cell of the row, not just the first.
            for name, parse, cell in zip(header, parsers, cells, strict=True):
                try:
                    parse(cell)
                except Invalid as exc:
                    problems.add(
                        Problem(line, name, exc.reason),
                        foreign=isinstance(exc, ForeignNumber),
                    )
            return None
        if check is not None:
            found = list(check(dict(zip(header, values, strict=True))))
            if found:
                for column, reason in found:
                    problems.add(Problem(line, column, reason))
                return None
        return values

    return parse_row


def _refused(
    result: ImportResult, problems: list[Problem], count: int, *, unknown: int = 0
) -> ImportResult:
    result.problems, result.problem_count = problems, count
    result.inserted = result.updated = result.unchanged = 0
    if result.rows and unknown * 2 > result.rows:
        # SPEC §4: a file for another tenant's accounts is refused — say so plainly.
        what = (
            "номера лицевых счетов не в формате этого водоканала"
            if result.kind == "accounts"
            else "лицевые счета не найдены у этого водоканала"
        )
        result.message = (
            f"Файл не принят: {what} в {unknown} из {result.rows} строк — похоже, это файл "
            "другого водоканала. Ничего не изменено."
        )
    else:
        result.message = (
            f"Файл не принят: {_errors(count)}. Исправьте файл и загрузите его снова — "
            "ничего не изменено."
        )
    return result


def _summary(result: ImportResult) -> str:
    return (
        f"Импортировано строк: {result.rows}; добавлено {result.inserted}, "
        f"изменено {result.updated}, без изменений {result.unchanged}."
    )


def _errors(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        word = "ошибка"
    elif count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        word = "ошибки"
    else:
        word = "ошибок"
    return f"{count} {word}"
