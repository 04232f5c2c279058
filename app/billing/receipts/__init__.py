"""Monthly receipts and invoices as PDF, with the ГОСТ Р 56042-2014 payment QR code (SPEC §3a)."""
