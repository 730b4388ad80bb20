"""Debian's chromium for Playwright: where it is, how it is launched, the login form.

One place for the browser tests, bench/lighthouse_phone.py and the docs/ screenshot scripts.
Chromium is never downloaded (`playwright install` is not used): `make browser` installs the
Debian package. Importing this module needs Playwright only, never a test fixture.
"""

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# a fake microphone (a steady tone) and no permission prompt, for the sound meter
FAKE_MEDIA_ARGS = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not installed where we look for it."""


def missing() -> str | None:
    """Why chromium cannot be launched (it is not installed), or None when it can."""
    if Path(shutil.which(CHROMIUM) or CHROMIUM).is_file():
        return None
    return (
        f"Chromium is not installed at {CHROMIUM}. Install Debian's `chromium` package "
        "(`make browser`, or apt-get install -y chromium) or set CHROMIUM=/path/to/chromium."
    )


def chromium_path() -> str:
    """The chromium executable, or ChromiumMissing saying how to install it."""
    if problem := missing():
        raise ChromiumMissing(problem)
    return shutil.which(CHROMIUM) or CHROMIUM


def launch(playwright: Playwright, *, headless: bool = True, extra: Sequence[str] = ()) -> Browser:
    """Debian's chromium with our arguments (and `extra` ones)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=[*ARGS, *extra], headless=headless
    )


def launch_persistent(
    playwright: Playwright,
    profile: str,
    *,
    headless: bool = True,
    extra: Sequence[str] = (),
    **options: Any,
) -> BrowserContext:
    """Like `launch`, with its storage kept in the `profile` directory; `options` go to the
    context (viewport, locale, ...)."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium_path(), args=[*ARGS, *extra], headless=headless, **options
    )


def submit_login(page: Page, email: str, password: str) -> None:
    """Fill the login form on the page and press "Log in"."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
