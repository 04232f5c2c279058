"""Comparing what people type with what the billing system holds."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Case-insensitive, е/ё-insensitive form with single inner spaces: «  Алёшин » → «алешин»."""
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()
