"""Pure domain values: entities, holds-list grammar, geometry, grades, filters. No Qt, SQL or HTTP."""
