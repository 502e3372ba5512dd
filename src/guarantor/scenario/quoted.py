"""Texts that quote a number follow it when `--set` changes it.

A scenario's question ("a 25,000-troop guarantee") and a rule's label ("Europe pays the
lion's share of costs (at least 75%)") are written next to the values they quote. When
`--set` changes such a value, each text on the way to it (the labels of the mappings that
hold it, the scenario's question and description) that quotes the old number in a form
we recognise (25,000 / 25000 / 75% / 75 % / 0.75) is rewritten with the new number in the
same form, and its origin says so, so reports can mark it as changed by `--set`. A text
that does not quote the old number is left alone; reports mark it as written before the
overrides (`report.overrides`).
"""

from __future__ import annotations

import re
from typing import Any

from guarantor.errors import Origin
from guarantor.scenario.yamlio import Node

TEXT_KEYS = ("label",)
ROOT_TEXT_KEYS = ("question", "description")
UPDATED = "updated by --set"


def value_at(root: Node, dotted: str) -> Any:
    """The plain value at a `--set` path (a figure's `value`), or None when there is none."""
    node = _walk(root, dotted)
    if node is None:
        return None
    value = node.value
    if isinstance(value, dict) and "value" in value:
        value = value["value"].value
    return value if _number(value) else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _walk(root: Node, dotted: str) -> Node | None:
    from guarantor.scenario.resolved import child

    node: Node | None = root
    for part in dotted.split("."):
        if node is None:
            return None
        node = child(node, int(part) if part.isdigit() and isinstance(node.value, list) else part)
    return node


def _chain(root: Node, dotted: str) -> list[Node]:
    """The mappings from the root down to the one holding the changed key."""
    from guarantor.scenario.resolved import child

    chain, node = [root], root
    for part in dotted.split(".")[:-1]:
        found = child(node, int(part) if part.isdigit() and isinstance(node.value, list) else part)
        if found is None:
            break
        node = found
        if isinstance(node.value, dict):
            chain.append(node)
    return chain


def forms(x: float) -> list[tuple[str, str]]:
    """(pattern, style) pairs for how a text may quote `x`, most specific first."""
    found = []
    if 0 < x <= 1:
        pct = f"{x * 100:g}"
        found += [(f"{pct} %", "pct_space"), (f"{pct}%", "pct")]
    if float(x).is_integer():
        found += [(f"{x:,.0f}", "thousands"), (f"{x:.0f}", "plain")]
    else:
        found.append((f"{x:g}", "plain"))
    return list(dict.fromkeys(found))


def render(x: float, style: str) -> str:
    if style == "pct_space":
        return f"{x * 100:g} %"
    if style == "pct":
        return f"{x * 100:g}%"
    if style == "thousands":
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def requote(text: str, before: float, after: float) -> str | None:
    """`text` with `before` replaced by `after` in the same form, or None if it does not quote it."""
    for pattern, style in forms(before):
        regex = re.compile(rf"(?<![\d.,]){re.escape(pattern)}(?![\d]|[.,]\d)")
        if regex.search(text):
            return regex.sub(render(after, style), text)
    return None


def refresh_quoted(root: Node, dotted: str, before: Any, origin: Origin) -> None:
    """After `--set dotted=…` changed a number from `before`, rewrite the texts that quoted it."""
    after = value_at(root, dotted)
    if not _number(before) or after is None or before == after:
        return
    chain = _chain(root, dotted)
    holders = [(node, TEXT_KEYS) for node in chain[1:]] + [(root, ROOT_TEXT_KEYS)]
    for holder, keys in holders:
        for key in keys:
            text = holder.value.get(key)
            if text is None or not isinstance(text.value, str):
                continue
            if text.origin.file.startswith("--set") and UPDATED not in text.origin.file:
                continue  # the user set this text: theirs to keep
            new = requote(text.value, float(before), float(after))
            if new is not None and new != text.value:
                holder.value[key] = Node(new, Origin(f"{origin.file} ({UPDATED}; was {text.origin})"))


def updated_texts(root: Node, prefix: str = "") -> dict[str, str]:
    """Every text `refresh_quoted` rewrote, by `--set` path (for writers that save a scenario layer)."""
    found: dict[str, str] = {}
    if isinstance(root.value, dict):
        for key, node in root.value.items():
            if isinstance(node.value, str) and UPDATED in node.origin.file:
                found[f"{prefix}{key}"] = node.value
            elif isinstance(node.value, dict | list):
                found.update(updated_texts(node, f"{prefix}{key}."))
    elif isinstance(root.value, list):
        for i, node in enumerate(root.value):
            named = isinstance(node.value, dict) and "id" in node.value
            part = node.value["id"].value if named else i
            found.update(updated_texts(node, f"{prefix}{part}."))
    return found
