"""Reading a billing CSV (SPEC §4): encoding and delimiter detected, header checked, rows streamed.

Russian spreadsheets save Windows-1251 with `;`; billing systems write UTF-8 (with or without a
BOM) with `,`. The file is never read into memory whole: rows come one at a time with the number
of the line they start on (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.billing.exchange.formats import FileFormat

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (line, column) and why."""

    line: int
    column: str | None
    reason: str


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, broken quoting)."""

    def __init__(self, *problems: Problem):
        super().__init__("; ".join(problem.reason for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Layout:
    encoding: str  # a Python codec: utf-8-sig (drops a BOM) or cp1251
    delimiter: str
    header: tuple[str, ...]  # column names in the file's order


def detect_encoding(path: Path | str) -> str:
    """UTF-8 (with or without BOM) when every byte of the file decodes as UTF-8, else
    Windows-1251. Reads the file once, a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as file:
        try:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251"
    return "utf-8-sig"


def read_layout(path: Path | str, file_format: FileFormat) -> Layout:
    """Encoding, delimiter and header of `path`; FileProblem naming every missing, unknown or
    repeated column."""
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as file:
        try:
            first = file.readline()
        except UnicodeDecodeError:
            raise FileProblem(Problem(1, None, _ENCODING_PROBLEM)) from None
    if not first.strip():
        raise FileProblem(Problem(1, None, "файл пуст: нет строки заголовка"))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if delimiter not in first:
        raise FileProblem(
            Problem(1, None, "в заголовке нет разделителя: столбцы разделяются «,» или «;»")
        )
    header = tuple(name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter)))
    problems = []
    for index, name in enumerate(header):
        if name not in file_format.by_name:
            reason = "пустое имя столбца" if not name else f"лишний столбец «{name}»"
            problems.append(Problem(1, name or None, reason))
        elif name in header[:index]:
            problems.append(Problem(1, name, f"столбец «{name}» повторяется"))
    missing = [name for name in file_format.required if name not in header]
    if missing:
        problems.append(Problem(1, None, f"нет столбцов: {', '.join(missing)}"))
    if problems:
        raise FileProblem(*problems)
    return Layout(encoding, delimiter, header)


def read_rows(path: Path | str, layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row after the header."""
    with open(path, encoding=layout.encoding, newline="") as file:
        reader = csv.reader(file, delimiter=layout.delimiter)
        last = 0
        try:
            next(reader)
            last = reader.line_num
            for cells in reader:
                line, last = last + 1, reader.line_num
                if len(cells) <= 1 and not (cells and cells[0].strip()):
                    continue  # a blank line
                yield line, cells
        except UnicodeDecodeError:
            raise FileProblem(Problem(last + 1, None, _ENCODING_PROBLEM)) from None
        except csv.Error:
            raise FileProblem(
                Problem(last + 1, None, "строка не читается как CSV: проверьте кавычки")
            ) from None


def count_lines(path: Path | str) -> int:
    """Lines after the header (a quick estimate of the rows, for progress)."""
    lines, ends_with_newline = 0, True
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            lines += chunk.count(b"\n")
            ends_with_newline = chunk.endswith(b"\n")
    return max(0, lines + (0 if ends_with_newline else 1) - 1)


_ENCODING_PROBLEM = "файл не в кодировке UTF-8 или Windows-1251"
