"""Where an uploaded billing file waits for its import job (IMPORT_UPLOAD_DIR)."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage


class EmptyFile(ValueError):
    """The upload has no bytes at all."""


def save_upload(upload: FileStorage) -> Path:
    """Store the upload under a random name in the shared upload directory; its path."""
    directory = Path(current_app.config["IMPORT_UPLOAD_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.csv"
    upload.save(path)
    if path.stat().st_size == 0:
        path.unlink()
        raise EmptyFile
    return path
