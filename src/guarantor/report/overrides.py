"""What a report must say about where its words came from: `--set` overrides, inherited texts.

A question or description is free text written next to the numbers it quotes. After a
`--set`, or in a child scenario that `extends:` a parent, the text may no longer match the
values; reports therefore list the overrides first and say of each such text whether it
is the scenario's own, inherited from a parent, or written before `--set` changed values.
"""

from __future__ import annotations

from guarantor.scenario.loading import LoadedScenario

TEXT_KEYS = ("question", "description")


def text_note(loaded: LoadedScenario, key: str) -> str:
    """A short note on the provenance of `key` ('question', 'description'), or '' if it is plainly own."""
    from guarantor.scenario.quoted import UPDATED

    origin = loaded.origin_of(key)
    if UPDATED in origin.file:
        return "numbers in it updated by --set"
    if origin.file.startswith("--set"):
        return "set by --set"
    notes = []
    if origin.file and origin.file != loaded.path:
        notes.append(f"inherited from {origin.file}")
    if loaded.overrides:
        notes.append(f"written before --set changed {len(loaded.overrides)} value(s); see Overrides")
    return "; ".join(notes)


def with_note(text: str, note: str) -> str:
    return f"{text} ({note})" if note else text


def override_lines(loaded: LoadedScenario) -> list[str]:
    """`key = value` for each `--set`, in the order applied, as Markdown code spans."""
    return [f"`{text}`" for text in loaded.overrides]
