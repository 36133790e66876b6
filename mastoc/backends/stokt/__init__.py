"""The Stokt backend: client, and the pure mapping of Stokt JSON to domain values."""
