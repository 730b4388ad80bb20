def test_healthz_answers_ok_once_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_me_answers_the_user_itself(login_as):
    auditor = login_as("auditor")
    response = auditor.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": auditor.user.id,
        "email": auditor.user.email,
        "name": auditor.user.name,
        "role": "auditor",
    }


def test_every_response_carries_the_security_headers(client):
    for path in ("/healthz", "/login", "/api/v1/me", "/nowhere"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
