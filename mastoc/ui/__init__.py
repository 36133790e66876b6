"""The desktop app (PySide6 lives only in this package)."""
