"""Accounts (лицевые счета) and their meters (приборы учёта)."""
