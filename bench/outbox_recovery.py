"""The phone's outbox after a spell without the server (issue 11, item 6): how long from the
server's return to an empty outbox, nobody touching the phone.

gunicorn on a temp SQLite file and two phones in one Debian chromium, side by side, each with
its own auditor: both queue 20 items (5 visits of answers, two photos and the submit) while
the server is stopped; during the spell one phone's auditor keeps opening pages (every page
load is a forced try of the outbox), the other phone is left alone. Then the server comes back
and neither phone is touched: printed are each phone's wait before its next try at the
moment of return, and the time from the return to its empty outbox, beside the target.

    .venv/bin/python bench/outbox_recovery.py [--offline 120] [--page-loads-every 20]
"""

import argparse
import base64
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.core.extensions import db
from tests import chromium
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.api.images import jpeg
from tests.browser.conftest import PHONE, wait_for
from tests.browser.test_outbox import QUEUE_VISIT
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import LiveServer

TARGET_S = 15
VISITS = 5  # 4 items each: 20 items
LEFT = "async () => (await AuditorStore.outboxItems()).length"
# the wait before the next try of the items tried so far (those behind them wait on them)
NEXT_WAIT = """async () => {
    const tried = (await AuditorStore.outboxItems()).filter((i) => i.attempts > 0);
    return tried.length ? Math.max(0, Math.min(...tried.map((i) => i.nextAt)) - Date.now()) : 0;
}"""


def phone(browser, base: str, email: str):
    """A phone logged in as `email`, on its outbox page, with a token and a service worker."""
    context = browser.new_context(base_url=base, **PHONE)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/app")
    chromium.submit_login(page, email, PASSWORD)
    page.wait_for_url("**/app")
    page.wait_for_selector("body[data-ready=true]")
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.goto("/app/outbox")
    page.wait_for_selector("body[data-ready=true]")
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    wait_for(page, "async () => !!(await AuditorStore.getMeta('session'))")
    return page


def queue_visits(page, store, user_id: int) -> None:
    for index in range(VISITS):
        photos = [
            {"uuid": new_uuid(), "question": "tidy", "data": base64.b64encode(data).decode()}
            for data in (
                jpeg(1024, 768, (index * 40, 90, 20)),
                jpeg(640, 480, (20, index * 40, 90)),
            )
        ]
        arg = {"audit": new_uuid(), "userId": user_id, "body": audit_body(store), "photos": photos}
        page.evaluate(QUEUE_VISIT, arg)


def spell(server: LiveServer, busy, offline: float, every: float) -> None:
    """The server away for `offline` seconds; the busy phone opens a page every `every` s."""
    server.stop()
    ends = time.monotonic() + offline
    while time.monotonic() < ends:
        time.sleep(min(every, max(0.0, ends - time.monotonic())))
        if time.monotonic() < ends:
            busy.goto("/app" if busy.url.endswith("/outbox") else "/app/outbox")
            busy.wait_for_selector("body[data-ready=true]")


def until_empty(pages: dict, started: float, limit: float = 600) -> dict:
    done = {}
    while len(done) < len(pages) and time.monotonic() - started < limit:
        for name, page in pages.items():
            if name not in done and page.evaluate(LEFT) == 0:
                done[name] = time.monotonic() - started
        time.sleep(0.2)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", type=float, default=120)
    parser.add_argument("--page-loads-every", type=float, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    uri = f"sqlite:///{work / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        store = published_store()
        users = {name: UserFactory(role="auditor") for name in ("busy", "idle")}
        db.session.commit()
        server = LiveServer(uri, str(work / "media"), workers=2).start()
        try:
            with sync_playwright() as playwright:
                browser = chromium.launch(playwright)
                pages = {
                    name: phone(browser, server.base, user.email) for name, user in users.items()
                }
                server.stop()
                for name, page in pages.items():
                    queue_visits(page, store, users[name].id)
                    assert page.evaluate(LEFT) == 4 * VISITS
                spell(server, pages["busy"], args.offline, args.page_loads_every)
                waits = {name: page.evaluate(NEXT_WAIT) / 1000 for name, page in pages.items()}
                server.start()  # answers once /healthz does
                back = time.monotonic()
                done = until_empty(pages, back)
                browser.close()
        finally:
            server.stop()
    print(f"{4 * VISITS} items queued on each phone, server away {args.offline:.0f} s")
    for name in pages:
        took = done.get(name)
        shown = f"{took:5.1f} s" if took is not None else "not empty after 600 s"
        ratio = f"{took / TARGET_S:.2f} of the target" if took is not None else ""
        loads = (
            f"a page load every {args.page_loads_every:.0f} s" if name == "busy" else "untouched"
        )
        print(
            f"  {name:4} phone ({loads}): next try {waits[name]:4.1f} s away at the return; "
            f"empty {shown} after it ({ratio}, target < {TARGET_S} s)"
        )


if __name__ == "__main__":
    main()
