"""A utility's staff in `/admin/staff`: invitations by e-mail, roles, deactivation (SPEC §1)."""
