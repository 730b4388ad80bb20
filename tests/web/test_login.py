"""Logging in and out of the pages: CSRF, the session cookie, redirects, limits, invalidation."""

import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from auditor import create_app
from auditor.core.extensions import db
from auditor.people.passwords import PasswordHashing, hash_password, needs_rehash
from tests.conftest import problem_of, token_for
from tests.factories import PASSWORD, UserFactory

WRONG_EMAIL_OR_PASSWORD = "Wrong email or password."
TOKEN = "/api/v1/auth/token"


class PageFields(HTMLParser):
    """The named inputs of a page's forms and its `<meta name="csrf-token">`."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.meta_csrf: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.inputs[attributes["name"]] = attributes
        elif tag == "meta" and attributes.get("name") == "csrf-token":
            self.meta_csrf = attributes["content"]

    def value(self, name: str) -> str | None:
        """The value attribute of the input called `name`."""
        return self.inputs[name].get("value")


def fields_of(response) -> PageFields:
    return PageFields(response.get_data(as_text=True))


def form_csrf(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on `path`, read from the HTML as a browser would."""
    response = client.get(path)
    assert response.status_code == 200
    return fields_of(response).value("csrf_token")


def log_in(
    client: FlaskClient,
    email: str,
    password: str = PASSWORD,
    next_path: str | None = None,
    **kwargs,
):
    """Post the login form as a browser does, with the page's CSRF token (and `next`)."""
    data = {"csrf_token": form_csrf(client), "email": email, "password": password}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/login", data=data, **kwargs)


def api_log_in(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post(TOKEN, json={"email": email, "password": password})


def log_out(client: FlaskClient):
    # the login page's form carries the signed-in session's token too
    return client.post("/logout", data={"csrf_token": form_csrf(client)})


def logged_in(client: FlaskClient) -> bool:
    """True when `/` sends the user to their role's home; an anonymous visitor goes to log in."""
    response = client.get("/")
    assert response.status_code == 302
    return not response.location.startswith("/login")


def assert_sent_to_login(response, next_path: str = "/") -> None:
    """A redirect to the login page that brings the user back to `next_path` afterwards."""
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == "/login"
    assert parse_qs(target.query) == {"next": [next_path]}


def session_cookie(response) -> str:
    """The Set-Cookie header of the session cookie."""
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return header


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


@pytest.fixture
def user(app):
    return UserFactory(role="auditor", email="mia@example.com", name="Mia Meyer")


@pytest.fixture
def other_client(app) -> FlaskClient:
    """A second browser."""
    return app.test_client()


# -- the form and a successful login -------------------------------------------------------


def test_the_login_page_renders_the_form(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    fields = fields_of(response)
    assert {"email", "password", "csrf_token", "next"} <= set(fields.inputs)
    assert fields.inputs["email"]["type"] == "email"
    assert fields.inputs["password"]["type"] == "password"
    assert fields.inputs["csrf_token"]["type"] == "hidden"
    assert len(fields.value("csrf_token")) > 20


def test_the_right_credentials_redirect_home_with_a_session_cookie(client, user):
    response = log_in(client, "mia@example.com")
    assert response.status_code == 302
    assert response.location == "/"
    attributes = cookie_attributes(session_cookie(response))
    assert {"httponly", "samesite", "expires"} <= attributes
    assert "samesite=lax" in session_cookie(response).lower()
    assert "secure" not in attributes  # the test config runs on plain http
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    home = client.get("/")
    assert home.status_code == 302
    assert home.location == "/app"  # an auditor's home is the phone app


def test_the_session_cookie_lives_for_the_idle_lifetime(app, client, user):
    before = datetime.now(UTC)
    log_in(client, user.email)
    expires = client.get_cookie("session").expires
    idle = app.config["PERMANENT_SESSION_LIFETIME"]
    assert before + idle - timedelta(seconds=5) <= expires <= datetime.now(UTC) + idle


@pytest.mark.parametrize(
    ("environment", "secure"),
    [(None, True), ("production", True), ("development", False)],
)
def test_the_session_cookie_is_secure_unless_in_development(
    monkeypatch, database_uri, tmp_path, environment, secure
):
    if environment is None:
        monkeypatch.delenv("AUDITOR_ENV", raising=False)
    else:
        monkeypatch.setenv("AUDITOR_ENV", environment)
    monkeypatch.setenv("SECRET_KEY", "production-like-secret")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_uri, "MEDIA_DIR": str(tmp_path)}
    )
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        response = app.test_client().get("/login")  # the CSRF token starts a session
        attributes = cookie_attributes(session_cookie(response))
        assert ("secure" in attributes) is secure
        assert {"httponly", "samesite"} <= attributes
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("email", ["MIA@EXAMPLE.COM", "Mia@Example.com", " mia@example.com "])
def test_email_matching_ignores_case_and_surrounding_spaces(client, user, email):
    assert log_in(client, email).status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(("door", "status"), [(log_in, 302), (api_log_in, 200)])
def test_logging_in_rehashes_a_password_made_at_another_cost(app, client, user, door, status):
    user.password_hash = hash_password(PASSWORD, PasswordHashing(time_cost=2, memory_cost=16))
    db.session.commit()
    assert door(client, user.email).status_code == status
    db.session.refresh(user)
    assert not needs_rehash(user.password_hash, PasswordHashing.from_config(app.config))


# -- where the login leads -----------------------------------------------------------------


@pytest.mark.parametrize("target", ["/", "/some/path?x=1", "/api/v1/me", "/a/b%20c?q=1&r=2#top"])
def test_a_next_on_this_site_is_honoured(client, user, target):
    response = log_in(client, user.email, next_path=target)
    assert response.status_code == 302
    assert response.location == target


OFF_SITE = [
    "",
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "http:evil.example",
    "evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
]


def stays_on_this_site(location: str) -> bool:
    """How a browser reads a Location: tabs and newlines dropped, then `//` or `\\` name a host."""
    seen = location.replace("\t", "").replace("\n", "").replace("\r", "")
    return seen.startswith("/") and not seen.startswith(("//", "/\\")) and "\\" not in seen


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_next_off_this_site_falls_back_home(client, user, target):
    response = log_in(client, user.email, next_path=target)
    assert response.status_code == 302
    assert response.location == "/"
    assert logged_in(client)


@pytest.mark.parametrize(
    "target", ["/\t//evil.example", "/\t\\evil.example", "/\x0b//evil.example", "/\x00/x"]
)
def test_a_next_with_control_characters_never_leaves_this_site(client, user, target):
    response = log_in(client, user.email, next_path=target)
    assert response.status_code == 302
    assert stays_on_this_site(response.location), response.location


def test_an_anonymous_visitor_is_sent_to_log_in_and_brought_back(client, user):
    response = client.get("/")
    assert_sent_to_login(response)
    form = client.get(response.location)
    assert fields_of(form).value("next") == "/"
    response = log_in(client, user.email, next_path=fields_of(form).value("next"))
    assert response.location == "/"


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("csrf_token", [None, "", "forged-token"])
def test_a_login_without_a_valid_csrf_token_is_refused(client, user, csrf_token):
    client.get("/login")  # a session with a CSRF token exists; the post just does not carry it
    data = {"email": user.email, "password": PASSWORD}
    if csrf_token is not None:
        data["csrf_token"] = csrf_token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("email", "password", "active"),
    [
        ("mia@example.com", "wrong-password", True),
        ("nobody@example.com", PASSWORD, True),
        ("mia@example.com", "", True),
        ("mia@example.com", PASSWORD, False),  # a deactivated account
    ],
)
def test_wrong_credentials_rerender_the_form_with_401(client, email, password, active):
    UserFactory(email="mia@example.com", active=active)
    response = log_in(client, email, password, next_path="/some/path")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert WRONG_EMAIL_OR_PASSWORD in html
    fields = fields_of(response)
    assert fields.value("email") == email  # kept, so the user fixes only the password
    assert fields.value("password") is None  # never echoed back
    assert fields.value("next") == "/some/path"
    assert fields.value("csrf_token")
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not logged_in(client)


# -- failed-login limit (shared with the token endpoint) -----------------------------------


def _fail_on_page(client, email):
    assert log_in(client, email, "wrong-password").status_code == 401


def _fail_on_api(client, email):
    assert api_log_in(client, email, "wrong-password").status_code == 401


@pytest.mark.parametrize(("on_page", "on_api"), [(10, 0), (5, 5), (0, 10)])
@pytest.mark.parametrize("eleventh", ["page", "api"])
def test_the_eleventh_attempt_after_ten_failures_answers_429(
    client, user, on_page, on_api, eleventh
):
    spellings = ["mia@example.com", "MIA@example.com"]  # one email, whatever its case
    for attempt in range(on_page):
        _fail_on_page(client, spellings[attempt % 2])
    for attempt in range(on_api):
        _fail_on_api(client, spellings[attempt % 2])
    # the right password does not help now
    if eleventh == "page":
        response = log_in(client, user.email)
        assert "Too many failed logins" in response.get_data(as_text=True)
    else:
        response = api_log_in(client, user.email)
        assert problem_of(response)["status"] == 429
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert not logged_in(client)


def test_failures_from_one_address_are_limited_across_emails(client, user):
    for attempt in range(10):
        assert log_in(client, f"guess{attempt}@example.com", "x").status_code == 401
    assert log_in(client, user.email).status_code == 429
    elsewhere = {"REMOTE_ADDR": "10.9.8.7"}
    assert log_in(client, user.email, environ_base=elsewhere).status_code == 302


def test_successful_logins_are_never_limited(client, other_client, user):
    for attempt in range(12):
        assert log_in(client, user.email).status_code == 302, attempt
        assert api_log_in(other_client, user.email).status_code == 200, attempt
    for _ in range(9):
        _fail_on_page(client, user.email)
    # nine failures and two dozen successes: still under the limit of ten failures
    assert log_in(client, user.email).status_code == 302


# -- logging out ---------------------------------------------------------------------------


def test_logout_is_post_only(client, user):
    log_in(client, user.email)
    assert client.get("/logout").status_code == 405
    assert logged_in(client)


@pytest.mark.parametrize("csrf_token", [None, "forged-token"])
def test_logout_needs_the_csrf_token(client, user, csrf_token):
    log_in(client, user.email)
    data = {} if csrf_token is None else {"csrf_token": csrf_token}
    assert client.post("/logout", data=data).status_code == 400
    assert logged_in(client)


def test_a_replayed_session_cookie_no_longer_works_after_logout(client, user):
    log_in(client, user.email)
    assert logged_in(client)
    old_cookie = client.get_cookie("session").value
    response = log_out(client)
    assert response.status_code == 302
    assert response.location == "/login"
    assert not logged_in(client)
    client.set_cookie("session", old_cookie)
    assert_sent_to_login(client.get("/"))


def test_logging_out_of_an_ended_session_leads_to_the_login_page(client, user):
    log_in(client, user.email)
    token = form_csrf(client)
    with client.session_transaction() as session:
        session["login_at"] = 0  # long past the absolute lifetime
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/login"  # not ?next=/logout: that would come back as a GET
    assert log_in(client, user.email).location == "/"


def test_logout_ends_the_users_sessions_in_other_browsers_too(client, other_client, user):
    log_in(client, user.email)
    log_in(other_client, user.email)
    log_out(client)
    assert not logged_in(other_client)


# -- server-side invalidation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "ends_sessions"),
    [
        ({"active": False}, True),
        ({"role": "staff"}, True),
        ({"role": "manager"}, True),
        ({"password": "a-brand-new-password"}, True),
        ({"name": "Mia Renamed"}, False),
    ],
)
def test_deactivation_or_a_new_role_ends_page_sessions_and_tokens(
    login_as, other_client, user, change, ends_sessions
):
    admin = login_as("admin")
    browser = other_client
    log_in(browser, user.email)
    token = token_for(browser, user.email)
    response = admin.patch(f"/api/v1/users/{user.id}", json=change)
    assert response.status_code == 200, response.get_json()
    assert logged_in(browser) is not ends_sessions
    me = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == (401 if ends_sessions else 200)
    if ends_sessions:
        problem_of(me)


# -- session lifetime and renewal ----------------------------------------------------------


@pytest.mark.parametrize(("margin", "still_valid"), [(-60, True), (60, False), (86_400, False)])
def test_the_absolute_lifetime_ends_even_an_active_session(app, client, user, margin, still_valid):
    log_in(client, user.email)
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    assert isinstance(lifetime, timedelta)
    started = datetime.now(UTC) - lifetime - timedelta(seconds=margin)
    with client.session_transaction() as session:
        session["login_at"] = int(started.timestamp())
    response = client.get("/")
    if still_valid:
        assert response.location == "/app"
    else:
        assert_sent_to_login(response)


@pytest.mark.parametrize(("minutes_past_idle", "still_valid"), [(-5, True), (5, False)])
def test_an_idle_session_ends_after_the_idle_lifetime(
    app, client, user, monkeypatch, minutes_past_idle, still_valid
):
    log_in(client, user.email)
    idle = app.config["PERMANENT_SESSION_LIFETIME"]
    assert idle < app.config["SESSION_ABSOLUTE_LIFETIME"]  # so only the idle limit is at stake
    later = time.time() + idle.total_seconds() + minutes_past_idle * 60
    # the cookie's signature carries its time; let the server's clock run ahead
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(later))
    assert logged_in(client) is still_valid


@pytest.mark.parametrize("login_at", [None, "yesterday"])
def test_a_session_without_a_valid_login_time_is_not_trusted(client, user, login_at):
    log_in(client, user.email)
    with client.session_transaction() as session:
        if login_at is None:
            del session["login_at"]
        else:
            session["login_at"] = login_at
    assert not logged_in(client)


def test_logging_in_starts_a_fresh_session(client, user):
    stale_token = form_csrf(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "999:1"
    assert log_in(client, user.email).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
        assert isinstance(session["login_at"], int)
    # the anonymous session's CSRF token died with it
    assert client.post("/logout", data={"csrf_token": stale_token}).status_code == 400
    assert logged_in(client)


# -- the API and the session cookie --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/regions"])
@pytest.mark.parametrize(
    "accept", ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*", None]
)
def test_an_anonymous_api_request_answers_401_never_a_redirect(client, path, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert "Location" not in response.headers
    problem_of(response)


@pytest.fixture
def admin_browser(app, client) -> FlaskClient:
    """A browser logged in as an admin through the login page."""
    admin = UserFactory(role="admin")
    assert log_in(client, admin.email).status_code == 302
    return client


@pytest.mark.parametrize("header", [None, "", "forged-token", "login-page-token"])
def test_an_unsafe_cookie_api_request_needs_the_csrf_header(admin_browser, header):
    headers = {}
    if header == "login-page-token":
        # a token of another (anonymous) session is no good either
        headers["X-CSRF-Token"] = form_csrf(admin_browser.application.test_client())
    elif header is not None:
        headers["X-CSRF-Token"] = header
    response = admin_browser.post("/api/v1/regions", json={"name": "North"}, headers=headers)
    assert response.status_code == 403
    assert "X-CSRF-Token" in problem_of(response)["detail"]
    assert admin_browser.get("/api/v1/regions").get_json()["total"] == 0


def test_an_unsafe_cookie_api_request_with_the_pages_csrf_token_succeeds(admin_browser):
    token = fields_of(admin_browser.get("/manager")).meta_csrf
    assert token
    response = admin_browser.post(
        "/api/v1/regions", json={"name": "North"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 201
    assert response.get_json()["name"] == "North"


def test_a_safe_cookie_api_request_needs_no_csrf_header(admin_browser):
    response = admin_browser.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["role"] == "admin"
    assert admin_browser.get("/api/v1/regions").status_code == 200
