"""Loads the demo investment rounds of fixtures/demo_rounds.toml.

Loading is idempotent, like trygghet.demo: a round is found by organisation and name, an
application by round, committee and title, and each is brought back to the file's values.
What users have added to a demo round since (applications, criteria, evidence, cost items,
verdicts, attachments) is removed, so running it after a demo session restores the demo.
Needs the organisations, programmes and users of fixtures/demo.toml loaded first.

The applications are read and written in bulk, a few queries per round rather than per
row: every test that uses the demo data loads them.
"""

import tomllib
from collections import defaultdict
from datetime import datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications import models
from applications.rules import ensure_assessment_valid
from trygghet.amounts import parse_amount
from trygghet.models import FocusArea, Organisation, User
from trygghet.services import upsert

DEMO_ROUNDS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_rounds.toml"


@transaction.atomic
def demo_rounds_load(*, path: Path = DEMO_ROUNDS_FILE) -> list[models.Round]:
    """Create or restore every demo round with its applications and assessments."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    return [_load_round(round_data) for round_data in data["rounds"]]


def _load_round(data: dict) -> models.Round:
    organisation = Organisation.objects.get(name=data["organisation"])
    unit = organisation.amount_unit
    committees = {committee.name: committee for committee in organisation.committees.all()}
    round_ = upsert(
        models.Round,
        {"organisation": organisation, "name": data["name"]},
        {
            "year": data["year"],
            "frame": parse_amount(data["frame"], default_unit=unit),
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "instructions": data.get("instructions", ""),
            "deciding_body": committees.get(data.get("deciding_body")),
            "status": data["status"],
            "illustrative_note": data.get("illustrative_note", ""),
        },
    )
    criteria = [
        upsert(models.Criterion, {"round": round_, "text": text}, {"order": order})
        for order, text in enumerate(data.get("criteria", models.DEFAULT_CRITERIA), start=1)
    ]
    round_.criteria.exclude(pk__in=[criterion.pk for criterion in criteria]).delete()

    # The file has no attachments: every one in a demo round was uploaded since.
    _delete_attachments(models.Attachment.objects.filter(application__round=round_))
    rows = data.get("applications", [])
    focus_areas = {
        area.name: area
        for area in FocusArea.objects.filter(
            programme__organisation=organisation, programme__name=data.get("programme")
        )
    }
    applications = _save_applications(round_, rows, unit, committees, focus_areas)
    round_.applications.exclude(pk__in=[application.pk for application in applications]).delete()

    _replace_rows(
        models.Evidence,
        "application",
        ("kind", "date", "description"),
        {
            application: [
                (item["kind"], item.get("date"), item["text"]) for item in row["evidence"]
            ]
            for application, row in zip(applications, rows, strict=True)
        },
    )
    _replace_rows(
        models.CostItem,
        "application",
        ("description", "amount"),
        {
            application: _cost_items(application, row, unit)
            for application, row in zip(applications, rows, strict=True)
        },
    )
    assessor = User.objects.get(username=data["assessor"]) if "assessor" in data else None
    verdicts = _save_assessments(applications, rows, unit, assessor)
    _replace_rows(
        models.CriterionAssessment,
        "assessment",
        ("criterion_id", "verdict", "comment"),
        {
            assessment: [
                (criterion.pk, verdict, "")
                for criterion, verdict in zip(criteria, row_verdicts, strict=True)
            ]
            for assessment, row_verdicts in verdicts.items()
        },
    )
    return round_


def _save_applications(
    round_: models.Round, rows: list[dict], unit: str, committees: dict, focus_areas: dict
) -> list[models.Application]:
    """The file's applications in its order, found by committee and title and brought back
    to the file's values; submitted, as the round's proposal has assessed them."""
    existing = {
        (application.committee_id, application.title): application
        for application in round_.applications.all()
    }
    applications = []
    for row in rows:
        committee = committees[row["committee"]]
        application = existing.get((committee.pk, row["title"])) or models.Application(
            round=round_, title=row["title"]
        )
        application.committee = committee
        contact = row.get("contact", {})
        for name, value in {
            "place": row["place"],
            "latitude": None,
            "longitude": None,
            "problem": row.get("problem", ""),
            "measure": row.get("measure", ""),
            "expected_effect": row.get("expected_effect", ""),
            "focus_area": focus_areas[row["focus_area"]] if "focus_area" in row else None,
            "applied_amount": parse_amount(row["applied"], default_unit=unit),
            "contact_name": contact.get("name", ""),
            "contact_email": contact.get("email", ""),
            "contact_phone": contact.get("phone", ""),
            "consulted": row.get("consulted"),
            "consulted_committee": committees.get(row.get("consulted_committee")),
            "status": models.ApplicationStatus.SUBMITTED,
            "return_message": "",
            "submitted_at": _aware(row["submitted_at"]),
        }.items():
            setattr(application, name, value)
        _validate(application)
        applications.append(application)
    _bulk_save(models.Application, applications, fields=_UPDATED_APPLICATION_FIELDS)
    return applications


_UPDATED_APPLICATION_FIELDS = [
    field.name
    for field in models.Application._meta.concrete_fields
    if field.name not in {"id", "round", "committee", "title", "created_at"}
]


def _cost_items(application: models.Application, row: dict, unit: str) -> list[tuple[str, int]]:
    costs = [
        (item["item"], parse_amount(item["amount"], default_unit=unit)) for item in row["costs"]
    ]
    if sum(amount for _, amount in costs) != application.applied_amount:
        raise ValueError(f"{application.title}: the cost items do not sum to the applied amount.")
    return costs


def _save_assessments(
    applications: list[models.Application], rows: list[dict], unit: str, assessor: User | None
) -> dict[models.Assessment, list[str]]:
    """Each application's assessment as the file has it; returns the verdicts to store,
    one per criterion in the criteria's order."""
    existing = {
        assessment.application_id: assessment
        for assessment in models.Assessment.objects.filter(application__in=applications)
    }
    unassessed = [
        application.pk
        for application, row in zip(applications, rows, strict=True)
        if "assessment" not in row
    ]
    models.Assessment.objects.filter(application__in=unassessed).delete()
    assessed = []
    for application, row in zip(applications, rows, strict=True):
        if "assessment" not in row:
            continue
        data = row["assessment"]
        proposed = parse_amount(data["proposed"], default_unit=unit)
        motivation = data.get("motivation", "")
        ensure_assessment_valid(
            applied=application.applied_amount, proposed=proposed, motivation=motivation, unit=unit
        )
        assessment = existing.get(application.pk) or models.Assessment(application=application)
        assessment.proposed_amount = proposed
        assessment.motivation = motivation
        assessment.assessor = assessor
        assessment.assessed_at = _aware(data["assessed_at"])
        _validate(assessment)
        assessed.append((assessment, data["verdicts"]))
    _bulk_save(
        models.Assessment,
        [assessment for assessment, _ in assessed],
        fields=["proposed_amount", "motivation", "assessor", "assessed_at"],
    )
    return dict(assessed)


def _replace_rows(model, parent: str, fields: tuple, wanted: dict) -> None:
    """Make the rows of `model` under each parent (an application's evidence or cost items,
    an assessment's verdicts) equal the file's, in order. They have no natural key of their
    own, so a parent's rows are replaced, and only when they differ from the file."""
    current = defaultdict(list)
    existing = model.objects.filter(**{f"{parent}__in": list(wanted)}).order_by("pk")
    for parent_id, *values in existing.values_list(f"{parent}_id", *fields):
        current[parent_id].append(tuple(values))
    changed = [owner for owner, rows in wanted.items() if current[owner.pk] != rows]
    if not changed:
        return
    model.objects.filter(**{f"{parent}__in": changed}).delete()
    new = [
        model(**{parent: owner}, **dict(zip(fields, values, strict=True)))
        for owner in changed
        for values in wanted[owner]
    ]
    for row in new:
        _validate(row)
    model.objects.bulk_create(new)


def _validate(instance) -> None:
    """full_clean without its queries: every related object here was just read from or
    saved to the database, and the database holds the check and unique constraints."""
    related = [field.name for field in instance._meta.fields if field.is_relation]
    instance.full_clean(exclude=related, validate_unique=False, validate_constraints=False)


def _bulk_save(model, instances: list, *, fields: list[str]) -> None:
    """Insert the new instances and update the existing ones, one query each."""
    existing = [instance for instance in instances if not instance._state.adding]
    model.objects.bulk_create([instance for instance in instances if instance._state.adding])
    if existing:
        model.objects.bulk_update(existing, fields)


def _aware(value: datetime) -> datetime:
    """TOML local date-times are read in the project's time zone (Europe/Stockholm)."""
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _delete_attachments(attachments) -> None:
    """Remove uploaded attachments; their files go once the transaction has committed."""
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments]
    attachments.delete()
    for storage, name in files:
        transaction.on_commit(partial(storage.delete, name))
