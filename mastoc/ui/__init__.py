"""Desktop UI (PySide6 only here)."""
