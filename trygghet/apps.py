from django.apps import AppConfig


class TrygghetConfig(AppConfig):
    name = "trygghet"
    verbose_name = "Organisationer och användare"

    def ready(self):
        from django.db.models.signals import post_migrate

        from trygghet import (
            checks,  # noqa: F401  (registers the deploy checks)
            permissions,  # noqa: F401  (registers the object permissions)
        )
        from trygghet.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="trygghet.ensure_role_groups")
