"""The resident's billing pages: charges and payments, the CSV download, receipts (SPEC §5)."""
