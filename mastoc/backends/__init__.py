"""Backends: HTTP clients of remote services (Stokt, Railway) and their pure JSON <-> domain mapping.

The only package (besides the server) that imports an HTTP library.
"""
