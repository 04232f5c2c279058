"""The platform operators' console (`/platform`) and the `operators` CLI."""
