"""Tenant-driven account numbers (лицевые счета): validate, normalise, format.

One component serves every tenant; the shape comes from the tenant's `account_number` section.
Novosibirsk (SPEC §2): `NN-NNNNNNN`, private sector prefix `11-`, digits after the dash zero-padded
to 7, so `11-7785`, and `7785` typed as a private-sector number, both mean `11-0007785`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Residents copy numbers from paper receipts: spaces, dots and dashes of any kind come along.
_SEPARATORS = re.compile(r"[\s\u2010-\u2015\u2212./_-]+")


class InvalidAccountNumber(ValueError):
    """The input is not an account number of this tenant; the message quotes the tenant's example."""


@dataclass(frozen=True)
class AccountNumberFormat:
    length: int
    pad: bool = False
    prefix_length: int = 0
    separator: str = "-"
    private_house_prefix: str | None = None
    example: str = ""

    @classmethod
    def from_config(cls, section: Mapping) -> AccountNumberFormat:
        """Build the format from a tenant's validated `account_number` section."""
        prefix = section.get("prefix") or {}
        return cls(
            length=section["length"],
            pad=section.get("pad", False),
            prefix_length=prefix.get("length", 0),
            separator=prefix.get("separator", "-"),
            private_house_prefix=prefix.get("private_house"),
            example=section.get("example", ""),
        )

    @property
    def pattern(self) -> str:
        """A regular expression matching exactly the canonical form."""
        body = rf"\d{{{self.length}}}"
        if self.prefix_length:
            return rf"^\d{{{self.prefix_length}}}{re.escape(self.separator)}{body}$"
        return rf"^{body}$"

    def is_canonical(self, number: str) -> bool:
        """True when `number` is already in the stored form."""
        return re.fullmatch(self.pattern, number) is not None

    def normalise(self, raw: str, *, private_house: bool = False) -> str:
        """The canonical form of what a resident typed, or InvalidAccountNumber."""
        text = (raw or "").strip()
        if not text:
            raise self._error("введите номер лицевого счёта")
        if self.prefix_length:
            prefix, number = self._split_prefix(text, private_house)
        else:
            prefix, number = "", _SEPARATORS.sub("", text)
        if not number.isascii() or not number.isdigit():
            raise self._error("номер лицевого счёта состоит из цифр")
        if len(number) < self.length and self.pad:
            number = number.zfill(self.length)
        if len(number) != self.length:
            raise self._error(
                f"после префикса должно быть {self.length} цифр"
                if prefix
                else f"номер лицевого счёта состоит из {self.length} цифр"
            )
        return f"{prefix}{self.separator}{number}" if prefix else number

    def format(self, number: str) -> str:
        """The display form of a stored number (canonical numbers are already display-ready)."""
        return self.normalise(number)

    def _split_prefix(self, text: str, private_house: bool) -> tuple[str, str]:
        parts = [part for part in _SEPARATORS.split(text) if part]
        if len(parts) == 2:
            prefix, number = parts
        elif len(parts) == 1 and len(parts[0]) == self.prefix_length + self.length:
            prefix, number = parts[0][: self.prefix_length], parts[0][self.prefix_length :]
        elif len(parts) == 1 and private_house and self.private_house_prefix:
            prefix, number = self.private_house_prefix, parts[0]
        else:
            raise self._error("укажите номер вместе с префиксом")
        if len(prefix) != self.prefix_length or not prefix.isascii() or not prefix.isdigit():
            raise self._error(f"префикс — {self.prefix_length} цифры до «{self.separator}»")
        return prefix, number

    def _error(self, reason: str) -> InvalidAccountNumber:
        example = f" Пример: {self.example}." if self.example else ""
        return InvalidAccountNumber(f"Неверный номер лицевого счёта: {reason}.{example}")
