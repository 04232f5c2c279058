"""The accounts desk of the staff console: search, the account page, blocking a login."""
