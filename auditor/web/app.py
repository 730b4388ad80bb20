"""The auditor phone app (DESIGN §7): its pages under /app, the web manifest and /sw.js.

The pages are server-rendered shells; small JS modules fill them from the API and IndexedDB,
so each works offline once the service worker has cached it. The manifest, icons, /sw.js and
static files need no login.
"""

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_login import current_user, login_required

from auditor import access

bp = Blueprint("web_app", __name__)

# path under /app -> (template and page module, title)
PAGES = {
    "": ("visits", "My visits"),
    "audit": ("audit", "Audit"),
    "review": ("review", "Review and submit"),
    "returned": ("returned", "Returned audits"),
    "follow-up": ("followup", "Follow-up"),
    "outbox": ("outbox", "Waiting to send"),
    "settings": ("settings", "Settings"),
}
# what the service worker precaches: the shell every page needs, offline included
SHELL_GLOBS = ("css/*.css", "js/*.js", "js/pages/*.js", "vendor/idb/umd.js", "icons/*")
WORKBOX = "vendor/workbox"
THEME_COLOR = "#0b3d91"


def _page(name: str):
    template, title = PAGES[name]

    @login_required
    def view():
        access.require_role(current_user, "auditor")
        version = current_shell()["version"]
        page = render_template(
            f"app/{template}.html",
            page=template,
            title=title,
            app_version=version,
            theme_color=THEME_COLOR,
        )
        response = Response(page)
        # always fresh from the network when there is one; the service worker keeps a copy
        response.headers["Cache-Control"] = "private, no-store"
        return response

    view.__name__ = f"page_{template}"
    view.__doc__ = f"The app page: {title.lower()}."
    return view


for _name in PAGES:
    bp.add_url_rule(f"/app/{_name}".rstrip("/"), view_func=_page(_name), methods=["GET"])


def _revision(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _shell_files(static: Path) -> list[Path]:
    found = {path for pattern in SHELL_GLOBS for path in static.glob(pattern) if path.is_file()}
    return sorted(found)


@cache
def _shell(static_folder: str, root_path: str, release: str = "") -> dict:
    """The precache manifest and the app version: content hashes, computed once per process.

    `release` (APP_RELEASE) lets an operator force a new version without a file change.
    """
    static = Path(static_folder)
    precache = [
        {"url": f"/static/{path.relative_to(static).as_posix()}", "revision": _revision(path)}
        for path in _shell_files(static)
    ]
    templates = sorted((Path(root_path).parent / "templates" / "app").glob("*.html"))
    worker = static / "sw.js"
    digest = hashlib.sha256(release.encode())
    for item in precache:
        digest.update(f"{item['url']}={item['revision']}\n".encode())
    for path in [*templates, worker]:
        digest.update(path.read_bytes())
    return {
        "version": digest.hexdigest()[:12],
        "precache": precache,
        "pages": [f"/app/{name}".rstrip("/") for name in PAGES],
        "workbox": f"/static/{WORKBOX}",
    }


def current_shell() -> dict:
    """This app's shell: its static files and templates, and the release it is told."""
    release = current_app.config.get("APP_RELEASE") or os.environ.get("APP_RELEASE", "")
    return _shell(current_app.static_folder, current_app.root_path, release)


@bp.get("/sw.js")
def service_worker():
    """The service worker, scope `/`: the precache manifest, then static/sw.js."""
    shell = current_shell()
    source = (Path(current_app.static_folder) / "sw.js").read_text()
    body = f"self.__SHELL = {json.dumps(shell)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    # the browser checks for a new version on every navigation; never serve it stale
    response.headers["Cache-Control"] = "no-cache"
    return response


def manifest_document() -> dict:
    """The web app manifest: what the phone needs to install the app."""

    def icon(name: str, size: int, purpose: str = "any") -> dict:
        src = url_for("static", filename=f"icons/{name}")
        return {"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}

    return {
        "id": "/app",
        "name": "Auditor: store visits",
        "short_name": "Auditor",
        "description": "Fill store-visit checklists on the phone, with or without a signal.",
        "start_url": "/app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("maskable-512.png", 512, "maskable"),
        ],
    }


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (no login needed)."""
    response = Response(json.dumps(manifest_document()), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon():
    """The app icon where browsers look for one unasked (a PNG is fine for them)."""
    response = current_app.send_static_file("icons/icon-192.png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
