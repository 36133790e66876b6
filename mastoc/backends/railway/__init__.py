"""Client of the mastoc server ("Railway" backend): `client.RailwayClient`."""
