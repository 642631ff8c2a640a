import gc
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marwah.settings")
application = get_wsgi_application()


def _refuse_bad_configuration() -> None:
    """The server does not start with missing production secrets or address (marwah/core/checks.py)."""
    from django.core import checks

    errors = [e for e in checks.run_checks(tags=["marwah"]) if e.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg}" for e in errors))


_refuse_bad_configuration()

# What loading the app made lives as long as the process (modules, URL patterns, templates, translations:
# ~130,000 objects). Set apart from the collector, its full collections stop walking them all again
# (~0.1 s each on the benchmark machine, about every 2,000 signings; issue 14).
gc.freeze()
