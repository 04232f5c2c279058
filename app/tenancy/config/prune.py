"""Dropping keys a stored configuration has but the current schema no longer knows."""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import Schema, fields

log = logging.getLogger(__name__)


def _inner_schema(field: fields.Field) -> tuple[Schema | None, bool]:
    many = isinstance(field, fields.List) or getattr(field, "many", False)
    inner = field.inner if isinstance(field, fields.List) else field
    return (inner.schema, many) if isinstance(inner, fields.Nested) else (None, False)


def prune_unknown(schema: Schema, data: Any, source: str, path: str = "") -> Any:
    """`data` without the keys `schema` does not declare, at every depth."""
    if not isinstance(data, dict):
        return data
    known = {(field.data_key or name): field for name, field in schema.fields.items()}
    pruned = {}
    for key, value in data.items():
        if key not in known:
            log.warning("%s: dropping %s%s, a key this release does not know", source, path, key)
            continue
        inner, many = _inner_schema(known[key])
        if inner is not None and value is not None:
            if many and isinstance(value, list):
                value = [prune_unknown(inner, item, source, f"{path}{key}[].") for item in value]
            else:
                value = prune_unknown(inner, value, source, f"{path}{key}.")
        pruned[key] = value
    return pruned
