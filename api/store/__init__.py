"""Storage: SQLAlchemy tables, sessions and keyword-only storage functions (SQLite by default, PostgreSQL by URL)."""
