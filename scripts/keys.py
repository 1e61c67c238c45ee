"""API keys: create (shown once), revoke, list; `dev` makes or re-shows the local development key.

Uses the same settings as the server (BALANCE_DATA_DIR, DATABASE_URL), so it reaches the same database.
"""

import typer
from rich.console import Console
from rich.table import Table

from api.config import Settings
from api.store import keys
from api.store.db import Database, migrate

app = typer.Typer(add_completion=False, help=__doc__)
console = Console()
DEV_KEY_FILE = "dev-api-key"


def _database() -> tuple[Settings, Database]:
    settings = Settings()
    db = Database(settings.db_url)
    migrate(db.engine)
    return settings, db


@app.command()
def create(org: str = typer.Option(..., help="Organisation whose data the key may see."),
           name: str = typer.Option("default", help="A note on who holds the key.")) -> None:
    """Create a key; the secret is printed once and never stored."""
    _, db = _database()
    with db.session() as session:
        key, raw = keys.create_key(session=session, org=org, name=name)
    console.print(f"Key {key.prefix}… for org '{org}' ({name}). Store it now; it cannot be shown again:")
    print(raw)


@app.command()
def revoke(key_id: str = typer.Argument(..., help="The key's id or its printed prefix.")) -> None:
    """Revoke a key at once; requests with it get 401."""
    _, db = _database()
    with db.session() as session:
        if not keys.revoke_key(session=session, key_id=key_id):
            console.print(f"[red]No live key '{key_id}'.[/red]")
            raise typer.Exit(1)
    console.print(f"Revoked {key_id}.")


@app.command("list")
def list_keys() -> None:
    """Every key's id, prefix, organisation and state; never a secret."""
    _, db = _database()
    table = Table("id", "prefix", "org", "name", "created", "revoked")
    with db.session() as session:
        for key in keys.list_keys(session=session):
            table.add_row(key.id, key.prefix, key.org, key.name, f"{key.created_at:%Y-%m-%d}",
                          f"{key.revoked_at:%Y-%m-%d}" if key.revoked_at else "")
    console.print(table)


@app.command()
def dev() -> None:
    """Development only: make a key for org 'default' once, keep it in the data folder, and print it."""
    settings, db = _database()
    if settings.environment != "development":
        console.print("[red]`dev` only runs with BALANCE_ENVIRONMENT=development; use `create`.[/red]")
        raise typer.Exit(1)
    path = settings.data_dir / DEV_KEY_FILE
    with db.session() as session:
        raw = path.read_text().strip() if path.exists() else ""
        if not raw or keys.find_key(session=session, raw=raw) is None:
            _, raw = keys.create_key(session=session, org="default", name="development")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(raw + "\n")
    console.print(f"Development API key for org 'default' (kept in {path}; use `scripts.keys create` for real ones):")
    print(raw)


if __name__ == "__main__":
    app()
