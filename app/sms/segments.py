"""How many SMS segments a text takes (3GPP TS 23.038): GSM-7 or, for Cyrillic, UCS-2.

GSM-7: 160 characters in one segment, 153 per part when concatenated; the extension table's
characters (`€`, `[`, `{`…) take two. UCS-2: 70 in one segment, 67 per part; counted in UTF-16
code units, so an emoji takes two.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
ELLIPSIS = "…"


@dataclass(frozen=True)
class SegmentCount:
    """The encoding a text needs, its length in that encoding's units and the segments it takes."""

    encoding: str  # "gsm7" | "ucs2"
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character of `text` is in the GSM-7 alphabet (basic or extension)."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def _units(text: str, encoding: str) -> int:
    if encoding == "gsm7":
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def count_segments(text: str) -> SegmentCount:
    """The encoding, units and number of segments `text` is sent in."""
    encoding = "gsm7" if is_gsm7(text) else "ucs2"
    units = _units(text, encoding)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding == "gsm7" else (UCS2_SINGLE, UCS2_PART)
    segments = 1 if units <= single else -(-units // part)
    return SegmentCount(encoding, units, segments)


def fit_segments(text: str, max_segments: int = 2) -> str:
    """`text` shortened with «…» (at a word boundary where one is near) to `max_segments`."""
    text = " ".join(text.split())
    if count_segments(text).segments <= max_segments:
        return text
    # The ellipsis is not GSM-7: a shortened text is always UCS-2.
    limit = UCS2_SINGLE if max_segments == 1 else UCS2_PART * max_segments
    budget = limit - 1
    cut = text
    while _units(cut, "ucs2") > budget:
        cut = cut[:-1]
    word_end = cut.rfind(" ")
    if word_end >= len(cut) - 15 and word_end > 0:  # do not drop more than a long word
        cut = cut[:word_end]
    return cut.rstrip(" ,.;:—-") + ELLIPSIS
