"""Deploy checks of our own, reported by `python manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        return []
    return [
        Error(
            "DJANGO_SECRET_KEY is not set: the development key is in use.",
            hint="Set DJANGO_SECRET_KEY to a long random value in production.",
            id="trygghet.E001",
        )
    ]
