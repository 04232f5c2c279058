"""The rules editor of the staff console: every key of the tenant configuration, validated by the
schema of tenants/*.yaml, audited, effective at once."""
