"""The one lock rule: a package year or a round is read-only once it is decided, or while a
finalised version of its decision document is in force (until a new version is created).

Services call `ensure_editable` under their row lock; views, templates and the admin show
`lock_reason`; lists annotate `with_lock()`. Outcomes (utfall) of a decided year stay open:
allocations.rules.ensure_amounts_editable.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Case, CharField, QuerySet, Value, When

from allocations.models import YearStatus
from applications.models import RoundStatus

DECIDED = "decided"
FINALISED = "finalised"

REOPENED = "reopened"
NOUN, PRONOUN = "noun", "pronoun"

# How each state reads of a year (ett år: neuter) and of a round (en omgång: common gender).
STATE = {
    "allocations.packageyear": {
        NOUN: "Året",
        PRONOUN: "Det",
        DECIDED: "beslutat",
        FINALISED: "fastställt i ett beslutsdokument",
        REOPENED: "återöppnat",
    },
    "applications.round": {
        NOUN: "Omgången",
        PRONOUN: "Den",
        DECIDED: "beslutad",
        FINALISED: "fastställd i ett beslutsdokument",
        REOPENED: "återöppnad",
    },
}
# The statuses of each lockable model.
STATUS = {"allocations.packageyear": YearStatus, "applications.round": RoundStatus}


def lock_of(subject, *, fresh: bool = False) -> str | None:
    """DECIDED, FINALISED or None. Reads the document loaded with the subject (with_lock() or
    select_related("document")) unless `fresh`: then it asks the database, as services do
    under their row lock."""
    if subject.is_decided:
        return DECIDED
    if not fresh and hasattr(subject, "lock"):
        return subject.lock
    if not fresh and type(subject).document.is_cached(subject):
        try:
            return FINALISED if subject.document.finalised else None
        except ObjectDoesNotExist:
            return None
    finalised = type(subject)._default_manager.filter(pk=subject.pk, document__finalised=True)
    return FINALISED if subject.pk and finalised.exists() else None


def state_word(subject, state: str) -> str:
    """ "beslutat", "fastställd i ett beslutsdokument"…"""
    return STATE[subject._meta.label_lower][state]


def lock_reason(subject, *, fresh: bool = False) -> str | None:
    """Why the year or round cannot change, as the user reads it; None when it can."""
    lock = lock_of(subject, fresh=fresh)
    return None if lock is None else _message(subject, lock)


def subject_name(subject) -> str:
    """ "Trygghetspaketet 2024", "Trygghetsinvesteringar 2024"."""
    if subject._meta.label_lower == "allocations.packageyear":
        return f"{subject.package.name} {subject.year}"
    return subject.name


def lock_notice(subject) -> str | None:
    """What the subject's own page says of its lock ("Året är beslutat. Det kan inte
    ändras."): the reason without the name, which a refused change names in its message."""
    lock = lock_of(subject)
    if lock is None:
        return None
    state = STATE[subject._meta.label_lower]
    until = " förrän en ny version av dokumentet skapas" if lock == FINALISED else ""
    return f"{state[NOUN]} är {state[lock]}. {state[PRONOUN]} kan inte ändras{until}."


def _message(subject, lock: str) -> str:
    message = f"{subject_name(subject)} är {state_word(subject, lock)} och kan inte ändras."
    if lock == FINALISED:
        message += " Skapa en ny version av dokumentet för att ändra."
    return message


def ensure_editable(subject) -> None:
    """Raise ValidationError (code decided or finalised) when the subject is locked."""
    lock = lock_of(subject, fresh=True)
    if lock is not None:
        raise ValidationError(_message(subject, lock), code=lock)


def with_lock(queryset: QuerySet) -> QuerySet:
    """Each row's lock in one query, as `.lock` (DECIDED, FINALISED or None)."""
    return queryset.annotate(
        lock=Case(
            When(status=STATUS[queryset.model._meta.label_lower].DECIDED, then=Value(DECIDED)),
            When(document__finalised=True, then=Value(FINALISED)),
            default=None,
            output_field=CharField(),
        )
    )
