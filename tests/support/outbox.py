"""Reading the mail outbox in tests: every `.eml` the app wrote, oldest first."""

from __future__ import annotations

import shutil
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


def outbox_dir(app) -> Path:
    """Where `app` writes mail when MAIL_BACKEND is `outbox`."""
    return Path(app.config["MAIL_OUTBOX_DIR"])


def read_outbox(app) -> list[EmailMessage]:
    """Every message in the outbox, parsed, sorted by the time it was written."""
    directory = outbox_dir(app)
    if not directory.is_dir():
        return []
    # File names start with the UTC send time, so name order is time order.
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def clear_outbox(app) -> None:
    """Forget every message written so far."""
    shutil.rmtree(outbox_dir(app), ignore_errors=True)
