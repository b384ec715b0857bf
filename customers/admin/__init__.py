"""What staff see of customers and their choices in the admin, one module per page.

Importing the package registers the pages; ``users.UserAdmin`` is registered by ``desk``, which
shows it with the other apps' sections of a customer's page.
"""

from customers.admin import consents, incidents, records, requests, users
from customers.admin.access_log import LogsStaffAccess

__all__ = ["LogsStaffAccess", "consents", "incidents", "records", "requests", "users"]
