"""Reading a billing CSV (SPEC §4): encoding and delimiter detected, header checked, rows streamed.

Russian spreadsheets save Windows-1251 with `;`; billing systems write UTF-8 (with or without a
BOM) with `,`. The file is never read into memory whole: rows come one at a time with the number
of the line they start on (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import re
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
    Windows-1251 — unless the file is neither: control characters (UTF-16, a spreadsheet's own
    binary format), a byte Windows-1251 does not have, or Cyrillic that only a DOS (866) or
    KOI8-R file would give. Reads the file once, a chunk at a time; FileProblem when it is in
    neither encoding."""
    utf8, is_utf8 = codecs.getincrementaldecoder("utf-8")(), True
    sample, lines, not_1251 = b"", 1, 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            if chunk.translate(None, _NOT_CONTROL):  # C speed: only control bytes are left
                where = _CONTROL.search(chunk).start()
                raise FileProblem(
                    Problem(lines + chunk.count(b"\n", 0, where), None, ENCODING_PROBLEM)
                )
            if not not_1251 and b"\x98" in chunk:
                not_1251 = lines + chunk.count(b"\n", 0, chunk.index(b"\x98"))
            lines += chunk.count(b"\n")
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if len(sample) < _SAMPLE:
                sample += chunk[: _SAMPLE - len(sample)]
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if not_1251:
        raise FileProblem(Problem(not_1251, None, ENCODING_PROBLEM))
    if not _looks_russian(sample.decode("cp1251")):
        raise FileProblem(Problem(1, None, ENCODING_PROBLEM))
    return "cp1251"


# No billing CSV holds control characters other than tab and line ends; in UTF-8 and
# Windows-1251 alike they are these bytes.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL = bytes(byte for byte in range(256) if byte not in _CONTROL_BYTES)
_CONTROL = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
_SAMPLE = 1 << 18  # bytes of Windows-1251 to judge: plenty to tell the encodings apart
# Signs and non-Russian letters of Windows-1251 (0x80–0xBF) that Russian text hardly uses, but
# that the letters of a DOS (866) file turn into when read as Windows-1251.
_COMMON = set("\u00a0«»№—–Ёё“”„‘’…°•§©®·")
_RARE = re.compile(
    "["
    + re.escape(
        "".join(c for c in bytes(range(0x80, 0xC0)).decode("cp1251", "ignore") if c not in _COMMON)
    )
    + "]"
)
_LETTERS = re.compile("[А-яЁё]")
# Russian words start with a capital, if with any: KOI8-R read as Windows-1251 swaps the cases.
_UPPER_LOWER = re.compile("[А-ЯЁ][а-яё]")
_LOWER_UPPER = re.compile("[а-яё][А-ЯЁ]")


def _looks_russian(text: str) -> bool:
    """Whether `text`, read as Windows-1251, is what Russian text in it looks like."""
    rare, letters = len(_RARE.findall(text)), len(_LETTERS.findall(text))
    swapped = len(_LOWER_UPPER.findall(text)) > len(_UPPER_LOWER.findall(text))
    return rare * 4 <= letters and not swapped


def read_layout(path: Path | str, file_format: FileFormat) -> Layout:
    """Encoding, delimiter and header of `path`; FileProblem naming every missing, unknown or
    repeated column."""
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as file:
        try:
            first = file.readline()
        except UnicodeDecodeError:
            raise FileProblem(Problem(1, None, ENCODING_PROBLEM)) from None
    if not first.strip():
        raise FileProblem(Problem(1, None, "файл пуст: нет строки заголовка"))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if delimiter not in first:
        raise FileProblem(
            Problem(1, None, "в заголовке нет разделителя: столбцы разделяются «,» или «;»")
        )
    try:
        names = next(csv.reader([first], delimiter=delimiter, strict=True))
    except csv.Error:
        raise FileProblem(Problem(1, None, QUOTING_PROBLEM)) from None
    while len(names) > 1 and not names[-1].strip():
        names.pop()  # spreadsheets end every line, the header too, with a separator or two
    header = tuple(name.strip().lower() for name in names)
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
        # Strict: an unclosed quote would otherwise swallow the rest of the file into one cell.
        reader = csv.reader(file, delimiter=layout.delimiter, strict=True)
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
            raise FileProblem(Problem(last + 1, None, ENCODING_PROBLEM)) from None
        except csv.Error:
            raise FileProblem(Problem(last + 1, None, QUOTING_PROBLEM)) from None


def count_lines(path: Path | str) -> int:
    """Lines after the header (a quick estimate of the rows, for progress)."""
    lines, ends_with_newline = 0, True
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            lines += chunk.count(b"\n")
            ends_with_newline = chunk.endswith(b"\n")
    return max(0, lines + (0 if ends_with_newline else 1) - 1)


ENCODING_PROBLEM = (
    "файл не в кодировке UTF-8 или Windows-1251: сохраните таблицу в формате CSV "
    "(«CSV UTF-8» или «CSV (разделители — точки с запятой)»)"
)
QUOTING_PROBLEM = "строка не читается как CSV: проверьте кавычки"
