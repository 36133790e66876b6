"""Backends: HTTP clients for Stokt and the mastoc server, and their pure JSON<->domain mappings."""
