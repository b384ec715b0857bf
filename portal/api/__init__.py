"""The REST API at ``/api/v1/``: customer endpoints, integration endpoints and outgoing webhooks.

It imports the apps whose data it serves; nothing imports it.
"""
