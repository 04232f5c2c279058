"""The editor's pages: one per top-level section of the tenant configuration (the identity keys
share one page), each with the widgets of its keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.admin.rules.labels import SECTION_TITLES
from app.admin.rules.widgets import Widget, build_widget
from app.tenancy.config import TenantConfigSchema

GENERAL_KEYS = ("slug", "name", "short_name", "city", "time_zone", "locale", "domains")


@dataclass(frozen=True)
class RulesSection:
    key: str
    keys: tuple[str, ...]  # top-level configuration keys edited on this page

    @property
    def title(self) -> str:
        return str(SECTION_TITLES[self.key])

    @property
    def roots(self) -> list[Widget]:
        """One widget per top-level key (what a posted form is read with)."""
        return _roots(self.keys)

    @property
    def widgets(self) -> list[Widget]:
        """What the page shows: a page of one section lists its keys without a fieldset around."""
        roots = self.roots
        return roots[0].children if len(roots) == 1 and roots[0].kind == "group" else roots


@cache
def _roots(keys: tuple[str, ...]) -> list[Widget]:
    schema_fields = TenantConfigSchema().fields
    return [build_widget(key, schema_fields[key]) for key in keys]


def _sections() -> dict[str, RulesSection]:
    schema_fields = TenantConfigSchema().fields
    sections = {"general": RulesSection("general", GENERAL_KEYS)}
    for name in schema_fields:
        if name not in GENERAL_KEYS:
            sections[name] = RulesSection(name, (name,))
    return sections


SECTIONS = _sections()


def get_section(key: str) -> RulesSection | None:
    return SECTIONS.get(key)
