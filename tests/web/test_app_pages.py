"""The phone app's pages, manifest and service worker as the server serves them (DESIGN §7)."""

import json
import re

import pytest

from tests.factories import UserFactory
from tests.web.test_login import log_in

APP_PAGES = [
    "/app",
    "/app/audit",
    "/app/review",
    "/app/returned",
    "/app/follow-up",
    "/app/outbox",
    "/app/settings",
]


@pytest.fixture
def auditor(app):
    return UserFactory(role="auditor", email="ada@example.com", name="Ada Auditor")


@pytest.mark.parametrize("path", APP_PAGES)
def test_an_auditor_gets_every_app_page_linking_the_manifest(client, auditor, path):
    log_in(client, auditor.email)
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="csrf-token"' in html
    assert '<meta name="viewport" content="width=device-width' in html
    assert re.search(r'<script type="module" src="/static/js/pages/\w+\.js">', html)
    assert f'data-user-id="{auditor.id}"' in html
    assert "private" in response.headers["Cache-Control"]
    theme = json.loads(client.get("/manifest.webmanifest").data)["theme_color"]
    assert f'<meta name="theme-color" content="{theme}">' in html  # one colour, both places


@pytest.mark.parametrize("path", APP_PAGES)
def test_the_app_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location == f"/login?next={path}"


@pytest.mark.parametrize("role", ["admin", "manager", "staff"])
def test_the_app_is_for_auditors_only(client, role):
    user = UserFactory(role=role)
    log_in(client, user.email)
    response = client.get("/app")
    assert response.status_code == 403
    assert "auditor" in response.get_data(as_text=True)


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/app"
    assert manifest["display"] == "standalone"
    assert manifest["name"]
    assert manifest["short_name"] == "Auditor"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200, icon
            assert image.mimetype == "image/png"
            width = int.from_bytes(image.data[16:20], "big")  # the PNG header's width
        assert f"{width}x{width}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_with_its_precache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    first, _, rest = body.partition("\n")
    shell = json.loads(first.removeprefix("self.__SHELL = ").removesuffix(";"))
    urls = {entry["url"] for entry in shell["precache"]}
    assert {
        "/static/css/app.css",
        "/static/js/outbox-core.js",
        "/static/js/pages/audit.js",
        "/static/vendor/idb/umd.js",
        "/static/icons/icon-192.png",
    } <= urls
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in shell["precache"])
    assert set(shell["pages"]) == set(APP_PAGES)
    assert "importScripts" in rest
    for url in [*urls, f"{shell['workbox']}/workbox-sw.js"]:  # all there, without a login
        with client.get(url) as static:
            assert static.status_code == 200, url


def test_the_app_version_changes_with_the_shell(app, client, tmp_path):
    import shutil

    from auditor.web.app import _shell

    version = _shell(app.static_folder, app.root_path, "")["version"]
    assert version in client.get("/sw.js").get_data(as_text=True)
    same, changed = tmp_path / "same", tmp_path / "changed"
    shutil.copytree(app.static_folder, same)
    shutil.copytree(app.static_folder, changed)
    (changed / "js" / "rules.js").write_text("// changed\n", encoding="utf-8")
    assert _shell(str(same), app.root_path, "")["version"] == version  # same files, same version
    assert _shell(str(changed), app.root_path, "")["version"] != version  # a new app version


def test_the_favicon_needs_no_login(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"


def test_the_login_page_sends_auditors_on_to_the_app(client, auditor):
    response = log_in(client, auditor.email, next_path="/app")
    assert response.status_code == 302
    assert response.location == "/app"
