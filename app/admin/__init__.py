"""The utility staff console (`/admin`): staff sign-in, office registration, the lookup queue."""
