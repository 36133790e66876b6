"""Sync: snapshot -> plan (pure) -> preview -> apply, for each backend; and loading saved backups."""
