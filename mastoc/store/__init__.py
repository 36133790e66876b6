"""The local store: one SQLite file (schema, migrations, queries) plus content-addressed image files."""
