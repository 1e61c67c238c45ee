import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from api.store.db import Database, migrate
from tests.utils.postgres import postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """TEST_DATABASE_URL (a server without a database name) when set, else a server these tests start."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"].rstrip("/")
        return
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[Database]:
    """A migrated, empty database per test, on each engine the service supports."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'balance.db'}")
        migrate(db.engine)
        yield db
        db.engine.dispose()
        return
    server = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(f"{server}/{name}")
    migrate(db.engine)
    yield db
    db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
