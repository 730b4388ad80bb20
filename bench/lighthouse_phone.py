"""A logged-in phone for bench/lighthouse.sh: chromium with a debugging port and a profile
holding an auditor's login, a visit in progress, a returned audit to fix and an outbox item.

Lighthouse then connects to this browser (`--port`), so every page is measured as the auditor
sees it: logged in, with the service worker installed (a repeat visit, as in the field).
Prints one line per page to measure, then waits until stdin closes.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import chromium


def prepare(page, base: str, email: str, password: str) -> list[str]:
    """Log in, start a visit, answer a little; answers the URLs to measure."""
    page.goto(f"{base}/app")
    chromium.submit_login(page, email, password)
    page.wait_for_url("**/app")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.select_option("#location", index=1)
    page.get_by_role("button", name="Start unplanned visit").click()
    page.wait_for_url("**/app/audit?id=*")
    page.wait_for_selector("body[data-ready=true]")
    draft = page.url.split("id=")[1]
    page.locator("#q-welcome").get_by_role("radio", name="Yes").check()
    page.locator("#v-greet_seconds").fill("25")
    page.wait_for_timeout(500)
    return [
        f"{base}/login",
        f"{base}/app",
        f"{base}/app/audit?id={draft}",
        f"{base}/app/review?id={draft}",
        f"{base}/app/returned",
        f"{base}/app/follow-up",
        f"{base}/app/outbox",
        f"{base}/app/settings",
    ]


def main(base: str, email: str, password: str, profile: str, debug_port: str) -> None:
    with sync_playwright() as playwright:
        context = chromium.launch_persistent(
            playwright,
            profile,
            extra=[f"--remote-debugging-port={debug_port}"],
            viewport={"width": 412, "height": 823},
        )
        page = context.new_page()
        for url in prepare(page, base, email, password):
            print(url, flush=True)
        print("ready", flush=True)
        sys.stdin.read()  # keep the browser up while Lighthouse measures
        context.close()


if __name__ == "__main__":
    main(*sys.argv[1:6])
