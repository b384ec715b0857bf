"""The load lab: ``make load`` and ``make chaos`` (management commands ``load_run`` and ``chaos_run``).

The portal runs as in production — gunicorn on a throwaway PostgreSQL
database, a private Redis, real Celery workers and beat, mail to a real SMTP
sink — and locust (headless, a subprocess) plays customers and agents for a
fixed time. Pure pieces, tested in the normal suite: :mod:`lab.load.figures`
(percentiles, the report), :mod:`lab.load.htmlforms` (what a browser would
submit), :mod:`lab.load.mailsink` (counting delivered mails),
:mod:`lab.load.invariants` (what must hold in the database afterwards).
"""
