"""Run the job worker as its own process (set BALANCE_WORKER_ENABLED=false on the API to use only these).

Any number may run against one database: leases keep each job with one worker at a time.
"""

import logging
import signal

import typer

from api import metrics
from api.config import Settings
from api.main import load_analyzer, make_worker
from api.store.db import Database, migrate

app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def main(threads: int = typer.Option(0, help="Worker threads; 0 takes BALANCE_WORKER_THREADS.")) -> None:
    """Claim and run jobs until SIGTERM or Ctrl-C, then finish the jobs in hand."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    if threads:
        settings = settings.model_copy(update={"worker_threads": threads})
    db = Database(settings.db_url)
    migrate(db.engine)
    registry = metrics.Metrics()
    worker = make_worker(settings, db, load_analyzer(settings, registry), registry)
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    worker.start()
    logging.getLogger("balance.worker").info("worker %s running on %s", worker.owner, settings.db_url.split("@")[-1])
    try:
        while not worker.stopping.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    worker.stop()


if __name__ == "__main__":
    app()
