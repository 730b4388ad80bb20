"""Screenshots of the auditor phone app for the README, at 390x844 (an everyday phone).

Run against a demo server (`make run`, or any server with the demo data):

    .venv/bin/python docs/take_app_screenshots.py http://127.0.0.1:5000

It logs in as the demo auditor, fills part of a visit (with a photo), queues it with the
network off, and saves docs/screenshots/app-*.png.
"""

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import chromium

OUT = Path(__file__).resolve().parent / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


def floor_photo() -> bytes:
    """A stand-in for a photo of the sales floor: aisles in perspective."""
    image = Image.new("RGB", (1600, 1200), (214, 206, 190))
    draw = ImageDraw.Draw(image)
    for x in range(-400, 2000, 260):
        draw.polygon([(x, 1200), (x + 120, 1200), (800 + (x - 800) // 4, 420)], fill=(120, 90, 60))
    draw.rectangle((0, 0, 1600, 420), fill=(236, 236, 232))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def shoot(page, name: str, full: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"app-{name}.png"), full_page=full)
    print(OUT / f"app-{name}.png")


def main(base: str, email: str = "alex@example.com", password: str = "demo-pass") -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        context = browser.new_context(
            base_url=base,
            permissions=["geolocation"],
            geolocation={"latitude": 53.55, "longitude": 10.0},
            **PHONE,
        )
        page = context.new_page()
        page.goto("/app")
        shoot(page, "login")
        chromium.submit_login(page, email, password)
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.select_option("#location", index=4)
        page.get_by_role("button", name="Start unplanned visit").click()
        page.wait_for_selector("body[data-ready=true]")
        page.locator("#v-greet_seconds").fill("18")
        for key, label in {"welcome": "Yes", "eye_contact": "Yes", "thanked_goodbye": "No"}.items():
            page.locator(f"#q-{key}").get_by_role("radio", name=label, exact=True).check()
        page.locator("#v-music_db").fill("71.5")
        page.locator("#q-raised_voice").get_by_role("radio", name="No", exact=True).check()
        page.locator("#photo-tidy").set_input_files(
            files=[{"name": "floor.jpg", "mimeType": "image/jpeg", "buffer": floor_photo()}]
        )
        page.locator("#q-tidy").get_by_role("radio", name="4", exact=True).check()
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, "checklist")
        page.locator("#q-tidy").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -120)")
        shoot(page, "photo")
        draft = page.url.split("id=")[1]
        page.goto(f"/app/review?id={draft}")
        page.wait_for_selector("body[data-ready=true]")
        shoot(page, "review")
        # no signal: the visit is queued and waits in the outbox
        context.set_offline(True)
        page.evaluate(
            """async (uuid) => {
                const drafts = await import('/static/js/drafts.js');
                await drafts.queueVisit(await AuditorStore.getDraft(uuid));
                await AuditorOutbox.flush({force: true});
            }""",
            draft,
        )
        page.goto("/app")
        page.wait_for_selector("body[data-ready=true]")
        shoot(page, "visits")
        page.goto("/app/outbox")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("li.item.state-waiting")
        shoot(page, "outbox")
        context.set_offline(False)
        page.goto("/app/settings")
        page.wait_for_selector("body[data-ready=true]")
        shoot(page, "settings")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
