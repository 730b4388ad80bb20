"""Comparing checklist versions by section and question keys."""

import copy

from auditor.checklists import versions
from auditor.checklists.compare import diff, is_empty


def base():
    return versions.parse_definition(versions.default_definition())


def test_identical_versions_differ_in_nothing():
    assert is_empty(diff(base(), base()))


def test_added_removed_and_changed_questions_and_sections():
    old, new = base(), base()
    new["title"] = "Store visit 2"
    new["sections"][0]["weight"] = 30
    removed = new["sections"][1]["questions"].pop()
    new["sections"][0]["questions"][0]["text"] = "Seconds before a greeting"
    new["sections"][2]["questions"].append(
        {**copy.deepcopy(new["sections"][2]["questions"][0]), "key": "fitting_rooms"}
    )
    result = diff(old, new)
    assert result["checklist"] == {"title": ("Store visit", "Store visit 2")}
    assert result["sections"]["changed"] == {"greeting": {"weight": (20, 30)}}
    assert [q["key"] for q in result["questions"]["removed"]] == [removed["key"]]
    assert [q["key"] for q in result["questions"]["added"]] == ["fitting_rooms"]
    assert result["questions"]["changed"]["greet_seconds"]["text"][1] == "Seconds before a greeting"
    assert not is_empty(result)


def test_a_question_moved_to_another_section_shows_as_changed():
    old, new = base(), base()
    moved = new["sections"][0]["questions"].pop()
    new["sections"][1]["questions"].append(moved)
    changes = diff(old, new)["questions"]["changed"][moved["key"]]
    assert changes == {"section": ("greeting", "music")}
