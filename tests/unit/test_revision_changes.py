"""What a revision records (DESIGN §10.1), as pure functions of two sets of answers: exactly the
changes, which replayed in order rebuild the answers."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from auditor.audits.revisions import as_of_latest, changes_between

KEYS = st.sampled_from(["greet_seconds", "welcome", "tidy", "music_db", "notes_q"])
ANSWER = st.fixed_dictionaries(
    {
        "value": st.one_of(st.none(), st.booleans(), st.integers(0, 5), st.sampled_from(["a"])),
        "na": st.booleans(),
        "comment": st.sampled_from(["", "Dusty shelves.", "dusty shelves."]),
    }
)
ANSWERS = st.dictionaries(KEYS, ANSWER, max_size=5)


def replayed(*revisions: list[dict]) -> dict:
    audit = SimpleNamespace(revisions=[SimpleNamespace(changes=c) for c in revisions])
    return as_of_latest(audit)


@given(ANSWERS)
def test_the_first_revision_lists_every_answer_from_null(answers):
    changes = changes_between({}, answers)
    assert [c["question"] for c in changes] == list(answers)
    assert all(c["before"] is None for c in changes)
    assert [c["after"] for c in changes] == list(answers.values())


@given(ANSWERS, ANSWERS)
def test_changes_are_exactly_what_differs_and_replay_to_the_answers(before, after):
    changes = changes_between(before, after)
    changed = {c["question"] for c in changes}
    assert changed == {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert len(changes) == len(changed)
    assert all(c["before"] == before.get(c["question"]) for c in changes)
    assert all(c["after"] == after.get(c["question"]) for c in changes)
    assert replayed(changes_between({}, before), changes) == after


@given(ANSWERS)
def test_unchanged_answers_make_no_change(answers):
    assert changes_between(answers, dict(answers)) == []


def test_a_removed_answer_is_a_change_to_null():
    before = {"tidy": {"value": 3, "na": False, "comment": ""}}
    assert changes_between(before, {}) == [
        {"question": "tidy", "before": {"value": 3, "na": False, "comment": ""}, "after": None}
    ]
    assert replayed(changes_between({}, before), changes_between(before, {})) == {}
