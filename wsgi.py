"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from auditor import create_app

app = create_app()
