"""Roles are Django groups with model permissions; this module is their one definition.

The groups are (re)created after every migrate, so a new installation has them without
demo data and a permission added to a role here reaches existing installations.
"""

import rules
from django.apps import apps as global_apps

OFFICIAL = "Handläggare"
MEMBER = "Ledamot"
APPLICANT = "Sökande"
# Given alongside Handläggare to those who may reopen a recorded decision.
DECISION_OWNER = "Beslutsansvarig"

_VIEW = ("view",)
_EDIT = ("view", "add", "change", "delete")

# role -> {"app_label.model": actions}
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OFFICIAL: {
        "trygghet.organisation": ("view",),
        "trygghet.committee": _EDIT,
        "trygghet.programme": _EDIT,
        "trygghet.focusarea": _EDIT,
        "allocations.package": _EDIT,
        "allocations.packageyear": _EDIT,
        "allocations.budgetline": _EDIT,
        "allocations.budgetlinelabel": _EDIT,
        "allocations.amount": _EDIT,
        "applications.round": _EDIT,
        "applications.criterion": _EDIT,
        "applications.application": ("view", "change"),
        "applications.evidence": _VIEW,
        "applications.costitem": _VIEW,
        "applications.attachment": _VIEW,
        "applications.assessment": _EDIT,
        "applications.criterionassessment": _EDIT,
        "documents.decisiondocument": ("view", "add", "change"),
        "documents.documentversion": ("view", "add"),
        "allocations.yeardecision": ("view", "add"),
        "applications.rounddecision": ("view", "add"),
    },
    DECISION_OWNER: {
        "allocations.yeardecision": ("view", "reopen"),
        "applications.rounddecision": ("view", "reopen"),
    },
    MEMBER: {
        "trygghet.organisation": _VIEW,
        "trygghet.committee": _VIEW,
        "trygghet.programme": _VIEW,
        "trygghet.focusarea": _VIEW,
        "allocations.package": _VIEW,
        "allocations.packageyear": _VIEW,
        "allocations.budgetline": _VIEW,
        "allocations.budgetlinelabel": _VIEW,
        "allocations.amount": _VIEW,
        "applications.round": _VIEW,
        "applications.criterion": _VIEW,
        "applications.application": _VIEW,
        # Members review the applications whole, cost items and attachments included.
        "applications.evidence": _VIEW,
        "applications.costitem": _VIEW,
        "applications.attachment": _VIEW,
        "applications.assessment": _VIEW,
        "applications.criterionassessment": _VIEW,
        "documents.decisiondocument": _VIEW,
        "documents.documentversion": _VIEW,
        "allocations.yeardecision": _VIEW,
        "applications.rounddecision": _VIEW,
    },
    APPLICANT: {
        "trygghet.organisation": _VIEW,
        "trygghet.committee": _VIEW,
        "trygghet.programme": _VIEW,
        "trygghet.focusarea": _VIEW,
        "applications.round": _VIEW,
        "applications.criterion": _VIEW,
        "applications.application": _EDIT,
        "applications.evidence": _EDIT,
        "applications.costitem": _EDIT,
        "applications.attachment": _EDIT,
        # The decision on their round, as finalised: a public record (trygghet/permissions.py).
        "documents.documentversion": _VIEW,
    },
}


def ensure_role_groups(sender=None, apps=global_apps, **kwargs):
    """Create the role groups and give each exactly the permissions listed above."""
    if sender is not None and sender.name != "trygghet":
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions are created by contenttypes/auth post_migrate handlers of every app;
    # make sure they exist before they are assigned.
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for model_label, actions in models.items():
            app_label, model_name = model_label.split(".")
            try:
                content_type = ContentType.objects.get(app_label=app_label, model=model_name)
            except ContentType.DoesNotExist:
                continue
            codenames = [f"{action}_{model_name}" for action in actions]
            permissions.extend(
                Permission.objects.filter(content_type=content_type, codename__in=codenames)
            )
        group.permissions.set(permissions)


# An applicant is whoever holds the Sökande role (not whoever has a committee): they write
# their own committee's applications and see nothing of the central office's work.
is_applicant = rules.is_group_member(APPLICANT)
