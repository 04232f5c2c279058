"""Form widgets of the rules editor, derived from the tenant configuration schema itself.

Simple keys become ordinary inputs (text, number, tick, drop-down, ticks for a list of choices,
one line per item for a list of free text); sections become fieldsets, optional sections a tick
that switches them on; lists of records (login modes, forms, settlements, support hours…) are
edited as a YAML block. The same tree turns the stored document into form values and a posted
form back into a document for the schema to validate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from flask_babel import gettext as _
from marshmallow import fields, validate

from app.admin.rules.labels import CHOICE_LABELS, HINTS, KEY_LABELS

MISSING = object()  # the key is left out of the document: the schema's default or "required"
READ_ONLY = frozenset({"slug", "domains"})  # the platform operators' keys


class YamlProblem(ValueError):
    """A YAML block that does not parse; the message says where."""


@dataclass
class Widget:
    path: str
    kind: str  # text number checkbox select multi lines yaml group toggle readonly
    nullable: bool = False
    choices: tuple[str, ...] = ()
    children: list[Widget] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(KEY_LABELS.get(self.path, self.path))

    @property
    def hint(self) -> str:
        return str(HINTS.get(self.path, ""))

    @property
    def dom_id(self) -> str:
        return "rule-" + re.sub(r"[^a-z0-9]+", "-", self.path)

    def choice_label(self, value: str) -> str:
        return str(CHOICE_LABELS.get(value, value))


def _one_of(field_: fields.Field) -> tuple[str, ...]:
    for validator in field_.validators:
        if isinstance(validator, validate.OneOf):
            return tuple(validator.choices)
    return ()


def build_widget(name: str, field_: fields.Field, prefix: str = "") -> Widget:
    """The widget for one schema field at `prefix + name`."""
    path = prefix + (field_.data_key or name)
    nullable = bool(field_.allow_none)
    if path in READ_ONLY:
        return Widget(path, "readonly")
    if isinstance(field_, fields.Nested):
        if field_.many:
            return Widget(path, "yaml")
        children = [build_widget(n, f, path + ".") for n, f in field_.schema.fields.items()]
        return Widget(path, "toggle" if nullable else "group", nullable, children=children)
    if isinstance(field_, fields.List):
        inner = field_.inner
        if isinstance(inner, fields.Nested | fields.List):
            return Widget(path, "yaml")
        choices = _one_of(inner)
        return Widget(path, "multi" if choices else "lines", choices=choices)
    if isinstance(field_, fields.Boolean):
        return Widget(path, "checkbox")
    if isinstance(field_, fields.Integer):
        return Widget(path, "number", nullable)
    choices = _one_of(field_)
    return Widget(path, "select" if choices else "text", nullable, choices)


# --- the stored document → what the form shows ------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def to_yaml(value: Any) -> str:
    if value in (None, [], {}):
        return ""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def form_values(widget: Widget, value: Any, out: dict[str, Any]) -> None:
    """Fill `out` (path → string, bool or list of strings) from the document's `value`."""
    if widget.kind in ("group", "toggle"):
        if widget.kind == "toggle":
            out[widget.path + ":on"] = value is not None
        for child in widget.children:
            key = child.path.rsplit(".", 1)[-1]
            form_values(child, (value or {}).get(key) if isinstance(value, Mapping) else None, out)
    elif widget.kind == "yaml":
        out[widget.path] = to_yaml(value)
    elif widget.kind == "checkbox":
        out[widget.path] = bool(value)
    elif widget.kind == "multi":
        out[widget.path] = [str(item) for item in value or []]
    elif widget.kind == "lines":
        out[widget.path] = "\n".join(str(item) for item in value or [])
    elif widget.kind == "readonly":
        out[widget.path] = value
    else:
        out[widget.path] = "" if value is None else str(value)


def posted_values(widget: Widget, form, out: dict[str, Any]) -> None:
    """Fill `out` as `form_values` does, from what was posted (to show it again on errors)."""
    if widget.kind in ("group", "toggle"):
        if widget.kind == "toggle":
            out[widget.path + ":on"] = bool(form.get(widget.path + ":on"))
        for child in widget.children:
            posted_values(child, form, out)
    elif widget.kind == "checkbox":
        out[widget.path] = bool(form.get(widget.path))
    elif widget.kind == "multi":
        out[widget.path] = form.getlist(widget.path)
    elif widget.kind != "readonly":
        out[widget.path] = form.get(widget.path, "")


# --- a posted form → a document for the schema ---------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML 1.1 would read 08:00 as a number of minutes; here it stays the time it looks like."""


_Loader.yaml_implicit_resolvers = {
    first: list(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", re.compile(r"^\d{1,2}:\d{2}$"))
    )


def parse_yaml(raw: str) -> Any:
    try:
        value = yaml.load(raw or "", Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            message = _(
                "не удаётся разобрать YAML (строка %(line)d): %(problem)s",
                line=mark.line + 1,
                problem=problem,
            )
        else:
            message = _("не удаётся разобрать YAML: %(problem)s", problem=problem)
        raise YamlProblem(message) from None
    return [] if value is None else value


def read_value(widget: Widget, form, yaml_problems: dict[str, str], current: Any) -> Any:
    """The document value of `widget` from the posted `form` (MISSING: leave the key out)."""
    kind = widget.kind
    if kind == "readonly":
        return current
    if kind in ("group", "toggle"):
        if kind == "toggle" and not form.get(widget.path + ":on"):
            return None
        result = {}
        for child in widget.children:
            key = child.path.rsplit(".", 1)[-1]
            inner = current.get(key) if isinstance(current, Mapping) else None
            value = read_value(child, form, yaml_problems, inner)
            if value is not MISSING:
                result[key] = value
        return result
    if kind == "checkbox":
        return bool(form.get(widget.path))
    if kind == "multi":
        return [value for value in form.getlist(widget.path) if value in widget.choices]
    raw = form.get(widget.path, "")
    if kind == "yaml":
        try:
            return parse_yaml(raw)
        except YamlProblem as problem:
            yaml_problems[widget.path] = str(problem)
            return current
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    raw = raw.strip()
    if not raw:
        return None if widget.nullable else MISSING
    return raw


def walk(widgets: list[Widget]):
    """Every widget of the tree, parents before children."""
    for widget in widgets:
        yield widget
        yield from walk(widget.children)
