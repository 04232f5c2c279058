"""A read-only view of validated configuration with attribute access (`config.branding.name`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Section(value)
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Section):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


class Section(Mapping):
    """Immutable mapping whose keys are also attributes; nested mappings and lists are frozen too."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]):
        object.__setattr__(self, "_data", {key: _freeze(value) for key, value in data.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("tenant configuration is read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Section({self._data!r})"

    def to_dict(self) -> dict[str, Any]:
        """A plain, mutable copy (dicts and lists), e.g. for dumping back to YAML or JSON."""
        return {key: _thaw(value) for key, value in self._data.items()}
