"""The worker: huey's consumer in the foreground, with the app its tasks run in."""

import logging
import threading

from flask import Flask

from auditor.notify import queue


def _recover_forever(stop: threading.Event, every: float) -> None:
    # a job a killed worker left behind runs again once its lease has passed
    while True:
        try:
            queue.recover_interrupted()
        except Exception:
            logging.getLogger(__name__).exception("recovering interrupted jobs failed")
        if stop.wait(every):
            return


def run(app: Flask, workers: int) -> None:
    """Run the consumer (threads, periodic tasks on) until SIGINT (graceful) or SIGTERM."""
    if queue.huey.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is on: jobs run where they are enqueued, not here")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    queue.bind(app)
    stop = threading.Event()
    every = max(0.5, min(30.0, float(app.config["JOBS_LEASE_SECONDS"]) / 2))
    recoverer = threading.Thread(target=_recover_forever, args=(stop, every), daemon=True)
    recoverer.start()
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.1,
        max_delay=1.0,  # SQLite storage is polled: a new job waits at most a second
        check_worker_health=True,
    )
    try:
        consumer.run()
    finally:
        stop.set()
