"""The Stokt backend: HTTP client (`client`) and pure JSON <-> domain mapping (`mapping`)."""
