"""What changed between two checklist versions, by section and question keys (DESIGN §2)."""

from collections.abc import Mapping
from typing import Any


def _by_key(items: list[Mapping]) -> dict[str, Mapping]:
    return {item["key"]: item for item in items}


def _changes(old: Mapping, new: Mapping, skip: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    fields = (set(old) | set(new)) - set(skip)
    return {f: (old.get(f), new.get(f)) for f in sorted(fields) if old.get(f) != new.get(f)}


def _all_questions(definition: Mapping) -> dict[str, Mapping]:
    return {
        q["key"]: {**q, "section": s["key"]} for s in definition["sections"] for q in s["questions"]
    }


def diff(old: Mapping, new: Mapping) -> dict[str, Any]:
    """Checklist fields, sections and questions added, removed or changed from old to new."""
    old_sections, new_sections = _by_key(old["sections"]), _by_key(new["sections"])
    old_questions, new_questions = _all_questions(old), _all_questions(new)
    return {
        "checklist": _changes(old, new, ("sections", "key")),
        "sections": _keyed(old_sections, new_sections, ("questions",)),
        "questions": _keyed(old_questions, new_questions, ()),
    }


def _keyed(old: Mapping[str, Mapping], new: Mapping[str, Mapping], skip: tuple) -> dict:
    kept = [key for key in new if key in old]
    return {
        "added": [new[key] for key in new if key not in old],
        "removed": [old[key] for key in old if key not in new],
        "changed": {
            key: changes for key in kept if (changes := _changes(old[key], new[key], skip))
        },
    }


def is_empty(result: Mapping[str, Any]) -> bool:
    """True when two versions differ in nothing."""
    parts = [result["sections"], result["questions"]]
    return not result["checklist"] and not any(
        part["added"] or part["removed"] or part["changed"] for part in parts
    )
