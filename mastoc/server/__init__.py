"""mastoc's own server (the "Railway" backend): a FastAPI app over PostgreSQL or SQLite.

`mastoc.server.app.create_app(settings)` builds the app; `mastoc serve` runs it with uvicorn. The
wire contract of the first production version is kept (see docs/server.md), with its defects fixed.
This package is installed with the `server` extra and never imports the desktop store or the UI.
"""
