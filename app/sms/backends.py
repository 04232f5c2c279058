"""Where an SMS goes: a JSON file in the SMS outbox (development) or the provider's HTTP API.

The HTTP backend POSTs `{"id", "to", "text", "sender"}` as JSON to SMS_URL with
`Authorization: Bearer <SMS_KEY>`; any 2xx answer is delivery accepted, anything else raises
SmsRefused so the job is retried. `id` lets a provider drop a resent duplicate.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Sms:
    """One message to one number; `id` is fixed when the message is queued (resends reuse it)."""

    id: str
    to: str
    text: str
    sender: str | None = None


class SmsRefused(RuntimeError):
    """The provider did not accept the message."""


Backend = Callable[[Sms, Mapping[str, Any]], None]


def deliver_to_outbox(sms: Sms, config: Mapping[str, Any]) -> None:
    """Write the message as `<UTC time>-<id>.json` into SMS_OUTBOX_DIR."""
    outbox = Path(config["SMS_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = outbox / f"{stamp}-{sms.id}.json"
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(asdict(sms), ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def deliver_by_http(sms: Sms, config: Mapping[str, Any]) -> None:
    """POST the message to the provider at SMS_URL, authenticated with SMS_KEY."""
    if not config["SMS_URL"]:
        raise ValueError("SMS_BACKEND=http needs SMS_URL")
    request = urllib.request.Request(
        config["SMS_URL"],
        data=json.dumps(asdict(sms), ensure_ascii=False).encode("utf-8"),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {config['SMS_KEY'] or ''}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config["SMS_TIMEOUT"]) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SmsRefused(f"SMS provider answered {error.code}: {error.read()[:200]!r}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise SmsRefused(f"SMS provider unreachable: {error}") from None


BACKENDS: dict[str, Backend] = {"outbox": deliver_to_outbox, "http": deliver_by_http}


def get_backend(name: str) -> Backend:
    """The delivery function for SMS_BACKEND `name`."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"SMS_BACKEND={name!r} is not an SMS backend; expected one of {', '.join(BACKENDS)}"
        ) from None
