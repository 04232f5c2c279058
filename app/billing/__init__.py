"""Charges, payments, debt and receipts (SPEC §3a, §4)."""
