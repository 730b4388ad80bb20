"""The issue's acceptance walk: a whole store visit on a phone with no network, sent exactly
once when the network is back."""

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Audit, AuditLogEntry, Photo
from tests.api.audit_helpers import VISIT_OVERALL, VISIT_SECTIONS
from tests.browser.conftest import (
    log_in,
    outbox_size,
    photo_jpeg,
    start_visit,
    wait_for,
    wait_until_offline_ready,
)

# the answers of tests/api/audit_helpers.VISIT_ANSWERS, as a person gives them
CHOICES = {
    "welcome": "Yes",
    "eye_contact": "Yes",
    "thanked_goodbye": "No",
    "raised_voice": "No",
    "departments_separated": "Yes",
    "found_without_help": "4",
    "tidy": "3",
    "product_knowledge": "5",
    "no_brush_off": "Yes",
    "first_contact_resolution": "No",
    "polite_informed": "4",
}
NUMBERS = {"greet_seconds": "25", "music_db": "70"}


def fill_checklist(page) -> None:
    for key, value in NUMBERS.items():
        page.locator(f"#v-{key}").fill(value)
    for key, label in CHOICES.items():
        page.locator(f"#q-{key}").get_by_role("radio", name=label, exact=True).check()
    comment = page.locator("#q-thanked_goodbye")
    comment.get_by_text("Add a comment").click()
    comment.get_by_label("Comment on: Thanked and said goodbye at the exit").fill(
        "No goodbye at the till."
    )


def take_photos(page) -> None:
    # a 12-megapixel-ish floor photo for the required one, a smaller one for the music
    page.locator("#photo-tidy").set_input_files(
        files=[
            {
                "name": "floor.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo_jpeg(3200, 2400, (90, 140, 60)),
            }
        ]
    )
    page.locator("#photo-music_db").set_input_files(
        files=[
            {
                "name": "music.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo_jpeg(1200, 900, (40, 60, 150)),
            }
        ]
    )
    wait_for(page, "() => document.querySelectorAll('.thumbs img').length === 2")


def saved_draft(page, uuid: str) -> dict:
    return page.evaluate(
        """async (uuid) => {
            const draft = await AuditorStore.getDraft(uuid);
            const photos = await AuditorStore.photosOf(uuid);
            return {draft, photos: photos.map((p) => ({question: p.question, width: p.width,
                height: p.height, size: p.blob.size, type: p.blob.type}))};
        }""",
        uuid,
    )


def log_count(action: str) -> int:
    db.session.commit()
    stmt = select(func.count()).where(AuditLogEntry.action == action)
    return db.session.scalar(stmt)


def count(model) -> int:
    db.session.commit()  # a fresh snapshot
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_whole_visit_offline_reaches_the_server_exactly_once(phone, server, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    wait_until_offline_ready(page)

    server.stop()  # no network from here on: the service worker and IndexedDB carry the visit
    uuid = start_visit(page)
    fill_checklist(page)
    take_photos(page)
    page.locator("#roster").get_by_role("checkbox").first.check()
    page.get_by_label("Name as read").fill("Jo (badge)")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.locator("#names li").count() == 1
    page.get_by_label("Anything else about the visit").fill("Busy Saturday.")
    expect_answered = "13 of 13 answered"
    wait_for(page, f"() => document.getElementById('overall').textContent === '{expect_answered}'")
    wait_for(
        page, "async (uuid) => (await AuditorStore.getDraft(uuid)).notes === 'Busy Saturday.'", uuid
    )

    # a reload without network: everything is still there
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#v-greet_seconds").input_value() == "25"
    assert page.locator("#q-tidy").get_by_role("radio", name="3", exact=True).is_checked()
    assert page.locator(".thumbs img").count() == 2
    assert page.locator("#overall").text_content() == expect_answered
    stored = saved_draft(page, uuid)
    assert stored["draft"]["answers"]["thanked_goodbye"]["comment"] == "No goodbye at the till."
    assert stored["draft"]["staffNames"] == ["Jo (badge)"]
    assert stored["draft"]["staffIds"] == [visit.store.staff_id]
    assert stored["draft"]["geo"]["lat"] == pytest.approx(52.5201)
    # scaled on the phone: the long side is 2048 px, the small photo is left as it was
    sizes = {p["question"]: (p["width"], p["height"]) for p in stored["photos"]}
    assert sizes == {"tidy": (2048, 1536), "music_db": (1200, 900)}

    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#missing").is_hidden()
    assert page.locator("#score").text_content() == f"{VISIT_OVERALL:.1f} of 100"
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/app?queued=*")
    assert outbox_size(page) == 4  # audit, two photos, submit
    states = page.evaluate("async () => (await AuditorStore.outboxItems()).map((i) => i.state)")
    # the outbox sends in order: only its head may be caught mid-attempt against the dead server
    assert states[0] in ("waiting", "sending")
    assert states[1:] == ["waiting"] * 3
    wait_for(page, "() => document.getElementById('net').textContent.startsWith('No server')")
    assert page.get_by_text("Visit saved in the outbox").is_visible()
    # the planned visit offers no "Continue" into a visit that can no longer change
    page.locator("#planned").get_by_role("link", name="Waiting to send: see the outbox").wait_for()
    assert count(Audit) == 0

    server.start()  # the network is back: the next page load sends the outbox
    page.reload()
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0", timeout=30)
    wait_for(page, "async (uuid) => !(await AuditorStore.getDraft(uuid))", uuid)

    assert count(Audit) == 1
    assert log_count("audit.create") == log_count("audit.submit") == 1
    audit = db.session.scalar(select(Audit))
    assert str(audit.id) == uuid
    assert audit.status == "submitted"
    assert audit.assignment_id == visit.assignment.id
    assert audit.score_overall == pytest.approx(VISIT_OVERALL)
    sections = {row.section_key: row.score for row in audit.section_scores}
    assert sections == pytest.approx(VISIT_SECTIONS)
    assert audit.staff_names == ["Jo (badge)"]
    assert [user.id for user in audit.staff] == [visit.store.staff_id]
    assert audit.notes == "Busy Saturday."
    assert audit.geo_lat == pytest.approx(52.5201)
    assert audit.far_from_location is False
    assert count(Photo) == 2
    photos = {photo.question_key: photo for photo in audit.photos}
    assert set(photos) == {"tidy", "music_db"}
    assert photos["tidy"].width == 1600  # the server's display size, from the 2048 px upload
    assert all(photo.taken_at is not None for photo in photos.values())  # EXIF kept
    assert page.locator("#sent").get_by_text("sent").count() == 1
    assert page.get_by_text("Visit sent. Thank you!").is_visible()
    assert page_errors == []
