"""A hostile client against the served app (gunicorn): deep JSON, huge integers, lone
surrogates, NaN, header injection through query values. Every answer is a 4xx, never a 5xx."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import call

HOSTILE_JSON = {
    "deep arrays": b"[" * 200_000 + b"]" * 200_000,
    "deep objects": b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    "huge integer": b'{"name": ' + b"9" * 100_000 + b"}",
    "huge negative integer": b'{"name": "x", "n": -' + b"1" * 5000 + b"}",
    "lone surrogate": b'{"name": "\\ud800"}',
    "surrogate key": b'{"\\udc00": 1, "name": "x"}',
    "NaN": b'{"name": NaN}',
    "overflowing float": b'{"name": 1e99999}',
    "not UTF-8": b'{"name": "\xc3\x28"}',
}
HOSTILE_QUERY_VALUES = [
    "store-visit\r\nSet-Cookie: pwned=1",
    "store-visit\nX-Injected: 1",
    'a"; filename="evil.exe',
    "K\u00f6ln-\u00fcber-\u0432\u0438\u0437\u0438\u0442",
    "\u202etxt.exe",
    "%00",
    "x" * 5000,
]


def token_of(server, user) -> str:
    status, body = call(
        server, "POST", "/api/v1/auth/token", json_body={"email": user.email, "password": PASSWORD}
    )
    assert status == 200
    return body["token"]


def browser_for(server, user) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in through the login form, as a browser is."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(server.base + "/login", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": user.email, "password": PASSWORD, "csrf_token": csrf}
    opener.open(server.base + "/login", urllib.parse.urlencode(form).encode(), timeout=30)
    return opener


def status_of(opener, url: str) -> tuple[int, dict]:
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture
def people(app, live_server):
    store = published_store()
    admin, auditor = UserFactory(role="admin"), UserFactory(role="auditor")
    return store, token_of(live_server, admin), token_of(live_server, auditor), admin


@pytest.mark.parametrize("body", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_hostile_json_gets_a_4xx_from_every_json_endpoint(live_server, people, body):
    _store, admin_token, auditor_token, _admin = people
    targets = [
        ("POST", "/api/v1/regions", admin_token),
        ("POST", "/api/v1/checklists", admin_token),
        ("POST", "/api/v1/locations", admin_token),
        ("POST", "/api/v1/users", admin_token),
        ("PUT", f"/api/v1/audits/{new_uuid()}", auditor_token),
        ("POST", "/api/v1/auth/token", None),
    ]
    for method, path, token in targets:
        status, answer = call(
            live_server, method, path, token=token, data=body, content_type="application/json"
        )
        assert 400 <= status < 500, (method, path, status, answer)
        assert isinstance(answer, dict), (path, answer)  # a problem body, parsed as JSON


def test_answers_out_of_range_get_a_4xx(live_server, people):
    store, _admin_token, auditor_token, _admin = people
    body = audit_body(store)
    body["answers"] = [{"question": "greet_seconds", "value": 10**18}, *body["answers"][1:]]
    body["geo"] = {"lat": 1e308, "lon": -1e308, "accuracy": 1e308}
    status, answer = call(
        live_server, "PUT", f"/api/v1/audits/{new_uuid()}", token=auditor_token, json_body=body
    )
    assert status == 422, answer


@pytest.mark.parametrize("value", HOSTILE_QUERY_VALUES)
def test_hostile_query_values_never_reach_a_header_or_a_5xx(live_server, people, value):
    _store, admin_token, _auditor_token, admin = people
    browser = browser_for(live_server, admin)
    query = urllib.parse.urlencode({"checklist": value, "section": value, "days": value})
    for path in ("/manager/export/audits.csv", "/manager/export/ranking.csv", "/manager"):
        status, headers = status_of(browser, f"{live_server.base}{path}?{query}")
        assert status < 500, (path, status)
        assert "X-Injected" not in headers
        assert "pwned" not in str(headers)
    for path in ("/api/v1/audits", "/api/v1/rankings", "/api/v1/checklists"):
        status, _answer = call(live_server, "GET", f"{path}?{query}", token=admin_token)
        assert status < 500, (path, status)
