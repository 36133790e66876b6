"""HTTP routes of the mastoc server, one module per area."""
