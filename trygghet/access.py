"""The one access call of the views: find the object among what the user may know of (404
otherwise), then ask the object permission (403 otherwise; trygghet/permissions.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from trygghet.locks import lock_reason
from trygghet.permissions import in_reach


def get_for_user(request, queryset, perm: str, **lookup):
    """The object of `queryset` matching `lookup`, if the user has `perm` on it.

    Another organisation's object (or another committee's application) is a 404 for
    everyone, so it never reveals that it exists; a refused permission is a 403.
    """
    obj = get_object_or_404(queryset, **lookup)
    if not in_reach(request.user, obj):
        raise Http404
    require(request.user, perm, obj)
    return obj


def require(user, perm: str, obj) -> None:
    """Raise PermissionDenied unless the user has `perm` on `obj`."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def refuse_if_locked(request, subject, back: str):
    """A redirect to `back` with the reason when the year or round is locked (decided or
    finalised), so no edit form is shown for it; None when it is editable."""
    reason = lock_reason(subject)
    if reason is None:
        return None
    messages.error(request, reason)
    return redirect(back)
