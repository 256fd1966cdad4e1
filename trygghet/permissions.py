"""Who may do what to which object: the one rule that views, templates (`{% has_perm %}`),
the admin and services ask, as `user.has_perm("allocations.change_packageyear", year)`.

A permission on an object needs the role's model permission (trygghet/roles.py) and the
object within the user's reach: their own organisation, and for applications their own
committee's (an applicant) or those sent in (the central office). Superusers pass every
check, as everywhere in Django. Whether the object is locked is the other rule:
trygghet/locks.py.
"""

import rules

from applications.models import RECEIVED_STATUSES
from trygghet.roles import is_applicant

# The foreign keys that lead from an object towards its organisation.
_PARENTS = ("package", "round", "application", "document")


def organisation_id_of(obj) -> int | None:
    """The organisation an object belongs to, following its foreign keys up to it."""
    while obj is not None:
        if obj._meta.label_lower == "trygghet.organisation":
            return obj.pk
        if hasattr(obj, "organisation_id"):
            return obj.organisation_id
        obj = next((getattr(obj, name) for name in _PARENTS if hasattr(obj, f"{name}_id")), None)
    return None


@rules.predicate
def in_own_organisation(user, obj) -> bool:
    if obj is None or user.organisation_id is None:
        return False
    return organisation_id_of(obj) == user.organisation_id


@rules.predicate
def application_in_reach(user, obj) -> bool:
    """An applicant reaches their own committee's applications, drafts included; the central
    office those sent in. `obj` is an application or something of one (an attachment)."""
    application = obj if obj._meta.label_lower == "applications.application" else obj.application
    if is_applicant(user):
        return application.committee_id == user.committee_id
    return application.status in RECEIVED_STATUSES


def in_reach(user, obj) -> bool:
    """Whether the user may know that `obj` exists: another organisation's object, or another
    committee's application, is a 404 for everyone."""
    if user.is_superuser:
        return True
    label = obj._meta.label_lower
    if label in {"applications.application", "applications.attachment"}:
        return bool((in_own_organisation & application_in_reach)(user, obj))
    return bool(in_own_organisation(user, obj))


def role_may(perm: str):
    """The role's model permission (ModelBackend, cached on the user)."""

    @rules.predicate(name=f"role_may:{perm}")
    def check(user) -> bool:
        return perm in user.get_all_permissions()

    return check


def _add(perm: str, *conditions) -> None:
    predicate = role_may(perm) & in_own_organisation
    for condition in conditions:
        predicate &= condition
    rules.add_perm(perm, predicate)


for _perm in [
    "allocations.view_package",
    # On a package: importing its amounts (allocations.imports).
    "allocations.change_amount",
    "allocations.add_packageyear",
    "allocations.view_packageyear",
    "allocations.change_packageyear",
    "allocations.add_yeardecision",
    "allocations.reopen_yeardecision",
    # On an organisation: starting a round there.
    "applications.add_round",
    "applications.view_round",
    "applications.change_round",
    "applications.add_rounddecision",
    "applications.reopen_rounddecision",
    "documents.add_decisiondocument",
    "documents.view_decisiondocument",
    "documents.change_decisiondocument",
]:
    _add(_perm)


@rules.predicate
def decides_a_round(user, version) -> bool:
    return version.document.round_id is not None


# A finalised version: an applicant reads only those deciding a round (their outcome).
_add("documents.view_documentversion", ~is_applicant | decides_a_round)
# On a round: only an applicant writes applications, for their own committee.
_add("applications.add_application", is_applicant)
_add("applications.view_application", application_in_reach)
_add("applications.change_application", is_applicant, application_in_reach)
_add("applications.add_attachment", application_in_reach)
_add("applications.view_attachment", application_in_reach)
_add("applications.delete_attachment", is_applicant, application_in_reach)
# The central office assesses and returns what has been sent in.
_add("applications.change_assessment", ~is_applicant, application_in_reach)
