"""Billing data exchange (SPEC §4): importing accounts, meters, charges and payments from the
utility's billing system, and exporting the readings residents submitted.

- `importer.import_file(tenant, kind, path)` — one file, all rows or none; the CLI and the
  background job (`tasks`, started by `services.start_import`) call it.
- `exports.export_readings(tenant, period)` — streamed CSV.
- `cli.billing_cli` — `flask --app wsgi billing import|export-readings`.
"""
