"""Turn marshmallow's nested error dicts into `file: key.path: what is expected` lines."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from marshmallow import Schema, fields

UNKNOWN_FIELD = "Unknown field."


class TenantConfigError(ValueError):
    """A tenant configuration failed validation; `problems` holds (key path, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__(
            "\n".join(f"{source}: {path or '(top level)'}: {message}" for path, message in problems)
        )


def _schema_at(schema: Schema, path: list) -> Schema | None:
    for part in path:
        if isinstance(part, int):
            continue
        field = next((f for f in schema.fields.values() if (f.data_key or f.name) == part), None)
        if isinstance(field, fields.List):
            field = field.inner
        if not isinstance(field, fields.Nested):
            return None
        schema = field.schema
    return schema


def _unknown_key_message(schema: Schema, parent: list, key: str) -> str:
    owner = _schema_at(schema, parent)
    if owner is None:
        return "unknown key"
    known = sorted(f.data_key or f.name for f in owner.fields.values())
    guess = difflib.get_close_matches(str(key), known, n=1)
    hint = f" (did you mean `{guess[0]}`?)" if guess else ""
    return f"unknown key{hint}; expected one of: {', '.join(known)}"


def _walk(errors, path: list) -> Iterator[tuple[list, str]]:
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _walk(value, [*path, key])
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict | list):
                yield from _walk(item, path)
            else:
                yield path, str(item)
    else:
        yield path, str(errors)


def _dotted(path: list) -> str:
    out = ""
    for part in path:
        if part == "_schema":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def flatten_errors(schema: Schema, errors: dict) -> list[tuple[str, str]]:
    """Every leaf error as (dotted key path, message), unknown keys explained with the known ones."""
    problems = []
    for path, message in _walk(errors, []):
        if message == UNKNOWN_FIELD:
            message = _unknown_key_message(schema, path[:-1], path[-1])
        problems.append((_dotted(path), message))
    return problems
