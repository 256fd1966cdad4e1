"""Storing an application import: all of it in one transaction, or nothing."""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from allocations.imports.parsing import ImportProblem
from allocations.imports.services import ImportFailed
from applications.imports.parsing import (
    ApplicationImportPreview,
    RoundTarget,
    committee_kind,
    match_key,
)
from applications.models import Application, ApplicationStatus, Assessment, Round, RoundStatus
from applications.services import round_save
from trygghet.models import Committee, Organisation, User

IMPORT_PERMISSION = "applications.change_round"
CONCURRENT_CHANGE = (
    "Omgången ändrades av någon annan medan importen sparades. Inget har sparats; försök igen."
)
# Checked by the preview (the rows were matched to these objects under the round's lock)
# and by the database's foreign keys; validating them again costs a query per row.
_MATCHED = ["round", "committee", "focus_area", "consulted_committee", "application", "assessor"]


@dataclass
class ApplicationImportResult:
    """What an import stored, and the preview it was stored from."""

    round: Round
    preview: ApplicationImportPreview
    created: list[Application] = field(default_factory=list)
    updated: list[Application] = field(default_factory=list)
    assessments: int = 0
    new_committees: list[Committee] = field(default_factory=list)

    def summary(self) -> str:
        """In Swedish: "5 nya ansökningar, 0 uppdaterade ansökningar och 4 bedömningar"."""
        parts = [
            _count(len(self.created), "ny ansökan", "nya ansökningar"),
            _count(len(self.updated), "uppdaterad ansökan", "uppdaterade ansökningar"),
            _count(self.assessments, "bedömning", "bedömningar"),
        ]
        if self.new_committees:
            parts.append(_count(len(self.new_committees), "ny nämnd", "nya nämnder"))
        return ", ".join(parts[:-1]) + " och " + parts[-1]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def ensure_may_import(*, by: User, target: RoundTarget) -> None:
    """Only officials (change_round) of the round's own organisation import."""
    if not by.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Du har inte behörighet att importera ansökningar.")
    organisation = target.organisation
    if not by.is_superuser and (organisation is None or organisation.pk != by.organisation_id):
        raise PermissionDenied("Du kan bara importera till din egen organisations omgångar.")


def application_import_apply(
    *, preview: ApplicationImportPreview, by: User | None
) -> ApplicationImportResult:
    """Store a checked import: the organisation, round and committees it creates, every
    application of the file (status inskickad) and every proposed amount as an assessment.

    The preview is checked again under a lock on the round, so what is stored is what the
    database allowed at that moment. Raises ImportFailed and stores nothing on any
    problem. `by` is the importing user (the assessor), or None from the command line.
    """
    if by is not None:
        ensure_may_import(by=by, target=preview.target)
    if preview.problems:
        raise ImportFailed(preview.problems)
    try:
        with transaction.atomic():
            return _apply(preview, by)
    except ValidationError as error:
        raise ImportFailed([ImportProblem(message) for message in error.messages]) from error
    except IntegrityError as error:
        raise ImportFailed([ImportProblem(CONCURRENT_CHANGE)]) from error


def _apply(preview: ApplicationImportPreview, by: User | None) -> ApplicationImportResult:
    target = preview.target
    if target.round is not None:
        locked = Round.objects.select_for_update().filter(pk=target.round.pk).first()
        if locked is None:
            raise ImportFailed([ImportProblem("Omgången finns inte längre.")])
        locked.organisation = target.organisation
        target = replace(target, round=locked)
    preview = preview.rebuilt(target=target)
    if preview.problems:
        raise ImportFailed(preview.problems)

    organisation = target.organisation or _create(
        Organisation(name=target.organisation_name, amount_unit=preview.unit)
    )
    round_ = target.round or _round_create(
        organisation=organisation, name=target.round_name, year=target.year, frame=preview.frame
    )
    if preview.frame_change is not None:
        round_.frame = preview.frame_change
        round_.full_clean()
        round_.save(update_fields=["frame"])
    result = ApplicationImportResult(round=round_, preview=preview)

    committees = {}
    for key, name in preview.new_committees.items():
        committees[key] = _create(
            Committee(organisation=organisation, name=name, kind=committee_kind(name))
        )
        result.new_committees.append(committees[key])

    now = timezone.now()
    rows = []
    for row in preview.rows:
        committee = row.committee or committees[match_key(row.committee_name)]
        application = row.application
        if application is None:
            application = Application(round=round_, committee=committee, title=row.title)
            result.created.append(application)
        else:
            # The round and committee it was matched by; set so that clean() loads neither.
            application.round, application.committee = round_, committee
            application.version += 1  # an open form of it is out of date now
            result.updated.append(application)
        application.place = row.place
        application.focus_area = row.focus_area
        application.applied_amount = row.applied
        application.status = ApplicationStatus.SUBMITTED
        # A stored application keeps the time it was first sent in.
        application.submitted_at = application.submitted_at or now
        application.full_clean(exclude=_MATCHED, validate_constraints=False)
        rows.append((row, application))
    # In bulk, and with history: the Ändringshistorik names the importing user.
    bulk_create_with_history(result.created, Application, default_user=by)
    bulk_update_with_history(
        result.updated,
        Application,
        ["place", "focus_area", "applied_amount", "status", "submitted_at", "version"],
        default_user=by,
    )

    new_assessments, changed_assessments = [], []
    for row, application in rows:
        if row.proposed is None:
            continue  # an empty cell leaves a stored assessment alone
        assessment = row.assessment or Assessment(application=application)
        assessment.proposed_amount = row.proposed
        assessment.motivation = row.motivation
        assessment.assessor = by
        assessment.assessed_at = now
        if assessment.pk:
            assessment.version += 1
        assessment.full_clean(exclude=_MATCHED, validate_constraints=False)
        (changed_assessments if assessment.pk else new_assessments).append(assessment)
    bulk_create_with_history(new_assessments, Assessment, default_user=by)
    bulk_update_with_history(
        changed_assessments,
        Assessment,
        ["proposed_amount", "motivation", "assessor", "assessed_at", "version"],
        default_user=by,
    )
    result.assessments = len(new_assessments) + len(changed_assessments)
    return result


def _round_create(*, organisation: Organisation, name: str, year: int, frame: int) -> Round:
    """A round the command line creates for the file: the whole year, with the default
    criteria, and in assessment, since the file brings the applications."""
    round_ = round_save(
        organisation=organisation,
        name=name,
        year=year,
        frame=frame,
        opens_on=datetime.date(year, 1, 1),
        closes_on=datetime.date(year, 12, 31),
    )
    round_.status = RoundStatus.ASSESSMENT
    round_.save(update_fields=["status"])
    return round_


def _create(instance):
    instance.full_clean()
    instance.save()
    return instance
