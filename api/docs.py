"""Interactive API docs (Swagger UI) served by the portal itself, under the strict CSP.

drf-spectacular's split view loads its start-up script from a URL instead of
inline, and our template links the page's few styles from a file, so neither
scripts nor styles need an exception to the Content Security Policy.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = "Trust Portal API"
