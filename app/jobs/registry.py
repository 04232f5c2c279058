"""Job handlers by stable name, so a queued job survives refactors that move the function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]

_handlers: dict[str, Handler] = {}


class UnknownJob(LookupError):
    """No handler is registered under the name a job was enqueued with."""


def job(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs called `name`."""

    def register(handler: Handler) -> Handler:
        existing = _handlers.get(name)
        # Re-importing the same module (reloader, tests) is fine; two handlers for one name are not.
        if existing is not None and _qualified(existing) != _qualified(handler):
            raise ValueError(f"job {name!r} is already handled by {_qualified(existing)}")
        _handlers[name] = handler
        return handler

    return register


def get_handler(name: str) -> Handler:
    """The handler registered under `name`."""
    try:
        return _handlers[name]
    except KeyError:
        raise UnknownJob(
            f"no job handler named {name!r}; is its tasks module imported by register_jobs()?"
        ) from None


def _qualified(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
