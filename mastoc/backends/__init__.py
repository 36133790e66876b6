<<<<<<< HEAD
"""Backends: HTTP clients of remote services (Stokt, Railway) and their pure JSON <-> domain mapping.

The only package (besides the server) that imports an HTTP library.
"""
=======
"""Backends: HTTP clients for Stokt and the mastoc server, and their pure JSON<->domain mappings."""
>>>>>>> main
