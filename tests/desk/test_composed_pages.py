"""The customer page and the inbox are composed in ``desk`` alone: no app replaces another's
admin, so the order of ``INSTALLED_APPS`` cannot change what staff see."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib import admin

from customers.models import User
from desk.admin import CustomerAdmin, InboxAdmin
from feedback.models import Thread

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCT = ("plumbing", "customers", "feedback", "trust", "api", "desk")

# Sets the project up with the product apps in the order given on the command line and prints
# which admin class each composed model got.
REGISTRY = """
import json, sys
import django
from django.conf import settings
import portal.settings as base
order = sys.argv[1].split(",")
others = [app for app in base.INSTALLED_APPS if app not in order]
settings.configure(**{
    **{name: getattr(base, name) for name in dir(base) if name.isupper()},
    "INSTALLED_APPS": [*order, *others],
})
django.setup()
from django.contrib import admin
from customers.models import User
from feedback.models import Thread
print(json.dumps({m._meta.label: type(admin.site._registry[m]).__qualname__ for m in (User, Thread)}))
"""


def test_the_customer_page_and_the_inbox_are_the_desks() -> None:
    assert type(admin.site._registry[User]) is CustomerAdmin
    assert type(admin.site._registry[Thread]) is InboxAdmin


def test_no_module_unregisters_an_admin() -> None:
    calls = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "unregister"
    ]
    assert calls == []


def test_the_order_of_the_installed_apps_does_not_change_the_admin() -> None:
    seen = set()
    for order in (PRODUCT, tuple(reversed(PRODUCT))):
        done = subprocess.run(
            [sys.executable, "-c", REGISTRY, ",".join(order)],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": ""},
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        seen.add(json.dumps(json.loads(done.stdout.strip().splitlines()[-1]), sort_keys=True))

    assert seen == {json.dumps({"customers.User": "CustomerAdmin", "feedback.Thread": "InboxAdmin"})}
