"""The WSGI application that `bench/scale.py` serves with gunicorn
(`--pythonpath bench serve:application`).

The production settings, read from the environment the bench sets (DJANGO_DEBUG=0 and
DJANGO_SECURE_SSL_REDIRECT=0, so plain HTTP goes through), with one change made in code as
tests/conftest.py makes it: static files come from static/ instead of the collected,
hashed ones, so the bench needs no `collectstatic` into the shared staticfiles/.
"""

import os
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

STATIC_FROM_SOURCE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def static_from_source() -> override_settings:
    """The settings change that lets production settings run without collectstatic."""
    return override_settings(STORAGES={**settings.STORAGES, "staticfiles": STATIC_FROM_SOURCE})


static_from_source().enable()
# WhiteNoise looks for the collected files first; the bench serves static/ directly.
warnings.filterwarnings("ignore", message="No directory at")
application = get_wsgi_application()
