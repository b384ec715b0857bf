from django.apps import AppConfig


class LabConfig(AppConfig):
    """The load and chaos lab and the benchmarks: tools, not the product; no product module
    imports them (an import-linter contract). Installed only for its management commands."""

    name = "lab"
    verbose_name = "Lab"
