"""Who signs in: resident identities, utility staff and platform operators."""
