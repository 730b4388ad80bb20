"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import gc

from auditor import create_app

app = create_app()

# Everything built at start-up lives as long as the worker: keeping it out of the garbage
# collector's scans spares each request a full collection's walk over it (and keeps pages
# shared with the parent process, should the server preload).
gc.freeze()
