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
    Windows-1251 — unless the text is neither: control characters (UTF-16, a spreadsheet's own
    binary format) or Cyrillic that only a DOS (866) or KOI8-R file would give. Reads the file
    a chunk at a time; FileProblem when it is in neither encoding."""
    try:
        _scan(path, "utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        text = _scan(path, "cp1251")
    except UnicodeDecodeError:  # 0x98 is no character of Windows-1251
        raise FileProblem(Problem(1, None, ENCODING_PROBLEM)) from None
    if text.rare * 4 > text.letters or text.lower_upper > text.upper_lower:
        raise FileProblem(Problem(1, None, ENCODING_PROBLEM))
    return "cp1251"


# No billing CSV holds control characters other than tab and line ends.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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


@dataclass
class _Text:
    rare: int = 0
    letters: int = 0
    upper_lower: int = 0
    lower_upper: int = 0


def _scan(path: Path | str, encoding: str) -> _Text:
    """Decode the whole file (UnicodeDecodeError when it does not decode); FileProblem at the
    first control character; for Windows-1251, what its letters look like."""
    decoder = codecs.getincrementaldecoder(encoding)()
    found, lines = _Text(), 1
    with open(path, "rb") as file:
        while True:
            chunk = file.read(_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            control = _CONTROL.search(text)
            if control is not None:
                line = lines + text.count("\n", 0, control.start())
                raise FileProblem(Problem(line, None, ENCODING_PROBLEM))
            lines += text.count("\n")
            if encoding == "cp1251":
                found.rare += len(_RARE.findall(text))
                found.letters += len(_LETTERS.findall(text))
                found.upper_lower += len(_UPPER_LOWER.findall(text))
                found.lower_upper += len(_LOWER_UPPER.findall(text))
            if not chunk:
                return found


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
