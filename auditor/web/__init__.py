"""Server-rendered pages."""

from flask import Flask

from auditor.web import auth, home


def register_pages(app: Flask) -> None:
    """Mount the page blueprints."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
