"""Staff accounts (admin, facilitator, coordinator), sign-in and the account CLI."""
