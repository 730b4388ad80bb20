"""Issue 11 item 7 (and item 6's last point): checks made on the phone when an answer or a
photo is captured. A number outside the question's bounds is said at the field and keeps the
visit from being queued; a file that is no image is refused when chosen and never queued;
scaling photos shows its progress; the visit ends when it is submitted, not when the review
page was first looked at."""

import time

import pytest

from tests.browser.conftest import (
    log_in,
    photo_jpeg,
    start_visit,
    wait_for,
    wait_until_offline_ready,
)
from tests.browser.queue_support import screenshot
from tests.browser.test_offline_visit import fill_checklist, take_photos

# every text the photo status line of a question shows, as it shows them
WATCH_STATUS = """(key) => {
    window.seen = [];
    const line = document.getElementById(`ps-${key}`);
    new MutationObserver(() => window.seen.push(line.textContent)).observe(
        line, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def audit_page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    wait_until_offline_ready(page)
    uuid = start_visit(page)
    return page, uuid


def photos_of(page, uuid: str) -> int:
    return page.evaluate("async (u) => (await AuditorStore.photosOf(u)).length", uuid)


def test_a_number_beyond_its_bounds_is_said_at_the_field_and_blocks_submit(audit_page, page_errors):
    page, _uuid = audit_page
    fill_checklist(page)
    take_photos(page)
    page.locator("#v-greet_seconds").fill("99999")  # 0..3600 s (DESIGN §10.1)
    error = page.locator("#err-greet_seconds")
    error.wait_for()
    assert error.text_content() == "Check this: must be from 0 to 3600 s."
    assert page.locator("#q-greet_seconds").get_attribute("class") == "q invalid"
    screenshot(page.locator("#q-greet_seconds"), "queue-7-bounds.png")

    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#missing").is_visible()
    assert "must be from 0 to 3600 s" in page.locator("#errors").text_content()
    assert page.get_by_role("button", name="Submit").is_disabled()

    page.get_by_role("link", name="Seconds until greeted").click()  # back to the field, corrected
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#v-greet_seconds").fill("25")
    page.locator("#err-greet_seconds").wait_for(state="hidden")  # the field checks on input
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_role("button", name="Submit").is_enabled()
    assert page_errors == []


def test_a_file_that_is_no_image_is_refused_when_chosen(audit_page, page_errors):
    page, uuid = audit_page
    fake = {"name": "floor.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all\n" * 50}
    page.locator("#photo-tidy").set_input_files(files=[fake])
    problem = page.locator("#pe-tidy")
    problem.wait_for()
    assert "“floor.jpg” is not a photo this app can send" in problem.text_content()
    assert page.locator("#ps-tidy").text_content() == "No photo added."
    assert photos_of(page, uuid) == 0
    assert page.locator("#q-tidy .thumbs li").count() == 0
    screenshot(page.locator("#q-tidy"), "queue-7-not-a-photo.png")

    # with a real photo beside it, the photo is kept and the other refused
    real = {"name": "real.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg(800, 600, (9, 9, 9))}
    page.locator("#photo-tidy").set_input_files(files=[fake, real])
    wait_for(page, "() => document.querySelectorAll('#q-tidy .thumbs li').length === 1")
    assert page.locator("#ps-tidy").text_content() == "1 photo added. 1 photo not."
    assert problem.is_visible()
    assert photos_of(page, uuid) == 1
    assert page_errors == []


def test_scaling_photos_shows_its_progress(audit_page, page_errors):
    page, _uuid = audit_page
    page.evaluate(WATCH_STATUS, "tidy")
    big = [
        {
            "name": f"p{n}.jpg",
            "mimeType": "image/jpeg",
            "buffer": photo_jpeg(3200, 2400, (n, 80, 60)),
        }
        for n in range(3)
    ]
    page.locator("#photo-tidy").set_input_files(files=big)
    wait_for(page, "() => document.querySelectorAll('#q-tidy .thumbs li').length === 3")
    seen = page.evaluate("window.seen")
    assert [text for text in seen if text.startswith("Scaling")] == [
        "Scaling photo 1 of 3…",
        "Scaling photo 2 of 3…",
        "Scaling photo 3 of 3…",
    ]
    assert seen[-1] == "3 photos added."
    assert page_errors == []


def test_the_visit_ends_when_it_is_submitted(audit_page, server, page_errors):
    page, _uuid = audit_page
    # an early look at the review page (the button is always there) must not end the visit
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    looked = page.evaluate("Date.now()")
    page.get_by_role("link", name="Back to the checklist").click()
    page.wait_for_selector("body[data-ready=true]")
    fill_checklist(page)
    take_photos(page)
    time.sleep(1.5)
    server.stop()  # the visit stays in the outbox, where its body can be read
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    submitted = page.evaluate("Date.now()")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/app?queued=*")
    items = page.evaluate("async () => AuditorStore.outboxItems()")
    body = next(item["body"] for item in items if item["kind"] == "audit")
    ended = page.evaluate("(iso) => Date.parse(iso)", body["finished_at"])
    assert ended >= submitted > looked + 1000
    assert page_errors == []
