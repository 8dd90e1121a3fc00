import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsyn.settings")
application = get_wsgi_application()

# Production does not start with the demo's secret key or without the access log's key.
from forsyn.core.checks import refuse_to_start_if_misconfigured  # noqa: E402

refuse_to_start_if_misconfigured()
