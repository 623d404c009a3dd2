"""One router per resource of the contract (its OpenAPI tags)."""
