"""The PostgreSQL backend of the portal: Django's, with a cheaper health check (see ``base``)."""
