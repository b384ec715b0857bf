"""The trust account in the admin, one module per page. Thin: every write is a service.

Importing the package registers the pages; ``inbox`` and ``customer_page`` are mixins that
``desk`` composes with the feedback inbox and the customer page of ``customers``.
"""

from trust.admin import accounts, dashboard, followups, ledger, recompute_runs, weights

__all__ = ["accounts", "dashboard", "followups", "ledger", "recompute_runs", "weights"]
