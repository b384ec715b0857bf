"""The REST API at ``/api/v1/``: customer endpoints, integration endpoints and outgoing webhooks.

It imports the apps whose data it serves; nothing imports it.

Adding an endpoint
------------------
- **A customer endpoint** (the caller's own data): derive from
  ``customer_views.CustomerView`` (or ``OwnedListView`` for a cursor-paginated
  list) and filter every queryset by ``self.person()``; another customer's id
  then answers 404 by itself.
- **An integration endpoint** (another system of the company): derive from
  ``integration_views.IntegrationView`` and declare ``required_scopes`` (a list,
  or a mapping from HTTP method to a list); add new scopes to ``models.Scope``
  (no migration needed). Name customers with ``CustomerRefSerializer`` (a
  body; ``CustomerRefQuerySerializer`` for a query string) /
  ``external_ids.customer_find`` and write reads of a customer's data to their
  access log with ``IntegrationView.customer_data`` or
  ``customers.access.system_access_record``.
- **Bodies** go through ``serializers.StrictSerializer`` /
  ``StrictModelSerializer`` (unknown fields and wrong JSON types are 400s).
- **Retries**: decorate a POST handler with ``idempotency.idempotent``; it runs
  the handler in one transaction and honours ``Idempotency-Key``.
- **Errors**: raise DRF exceptions or ``problems.Problem`` subclasses
  (``Conflict``, ``StaleVersion``...); they become problem+json. Let the
  refusals of the services through: ``problems.REFUSALS`` maps each refusal
  class (and code) to its problem type, so map a new refusal there; a view
  names the request field a refusal of invalid input is about in
  ``refusal_fields`` (refusal code → field, ``"*"`` for any other). List extra
  problem statuses a view can answer in ``problem_responses`` (e.g.
  ``{"POST": {409: ["conflict"]}}``) so the schema documents them; 401, 403,
  429, 400, 404, 413 and 415 are added automatically where they apply.
- **Docs**: ``@extend_schema`` with a summary, tags and ``OpenApiExample``
  values; ``tests/api/test_schema.py`` fails an operation without examples.
- **Webhooks**: map a new domain event in ``webhooks.WEBHOOK_EVENTS`` and add
  its webhook name to ``models.WebhookEvent`` (a migration follows: it is the
  delivery's ``event`` choices).
- **Tests**: add the endpoint to the persona tables in
  ``tests/api/test_access.py``; the service lane's schemathesis run picks it up.
"""
