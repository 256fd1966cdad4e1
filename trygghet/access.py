"""The permission check every view makes after it has found its object."""

from django.core.exceptions import PermissionDenied


def require_permission(request, permission: str) -> None:
    """Call after the object is looked up among the user's own (404 otherwise), so another
    organisation's object is a 404 for everyone and never reveals that it exists."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
