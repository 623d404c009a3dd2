"""Authentication: users, credentials, tokens and access rules."""
