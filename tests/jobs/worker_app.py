"""The app a test's worker process serves (`flask --app tests.jobs.worker_app worker`): the
application from the environment, with the test jobs registered."""

from auditor import create_app
from tests.jobs import sample_tasks  # noqa: F401  (registers the test jobs)

app = create_app()
