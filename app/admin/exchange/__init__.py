"""The console's exchange with the billing system (`/admin/exchange`): billing files uploaded and
imported in the background with progress and an error report; the readings export downloaded."""
