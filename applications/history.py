"""An application's change history in plain Swedish, read from the history tables: its own
fields, its status (inskickad, återsänd) and its assessment, criterion by criterion.
"Sökt belopp: 1,0 mkr → 1,2 mkr, av sokande 2024-03-25 14:02"."""

from django.utils.text import capfirst

from applications.models import (
    APPLICATION_CONTENT_FIELDS,
    Application,
    ApplicationStatus,
    Assessment,
    CriterionAssessment,
)
from trygghet.concurrency import savers_since, version_as_of
from trygghet.history import (
    HistoryEntry,
    display_amount,
    display_value,
    excerpt,
    field_change,
    field_changes,
    newest_first,
    recorded_by,
    with_previous,
)

# What an applicant or official changes: the applicant's content and the granted amount;
# the status and return message are told as "Ansökan inskickad" / "Ansökan återsänd …".
APPLICATION_FIELDS = [*APPLICATION_CONTENT_FIELDS, "granted_amount"]
APPLICATION_AMOUNTS = frozenset({"applied_amount", "granted_amount"})
ASSESSMENT_FIELDS = ["proposed_amount", "motivation", "assessor"]
ASSESSMENT_AMOUNTS = frozenset({"proposed_amount"})


def application_history(*, application: Application, with_assessment: bool) -> list[HistoryEntry]:
    """Every recorded change to the application and, if `with_assessment`, to its
    assessment, newest first (three queries however long the history)."""
    unit = application.round.organisation.amount_unit
    entries = []
    records = Application.history.filter(id=application.pk).select_related(
        "history_user", "focus_area", "consulted_committee"
    )
    for previous, record in with_previous(records):
        entries += [
            HistoryEntry(when=record.history_date, text=text, by=recorded_by(record))
            for text in _application_texts(previous, record, unit)
        ]
    if with_assessment:
        entries += _assessment_entries(application, unit)
    return newest_first(entries)


def _application_texts(previous, record, unit: str) -> list[str]:
    applied = display_amount(record.applied_amount, unit)
    if record.history_type == "-":
        return [f"Ansökan ”{record.title}” borttagen"]
    if record.history_type == "+" or previous is None:
        # Without a previous record (saved before history was kept) the old values are unknown.
        done = "skapad" if record.history_type == "+" else "sparad"
        if record.status == ApplicationStatus.SUBMITTED:
            done += " och inskickad"
        return [f"Ansökan ”{record.title}” {done} med sökt belopp {applied}"]
    texts = [
        capfirst(change)
        for change in field_changes(
            Application,
            previous,
            record,
            APPLICATION_FIELDS,
            unit=unit,
            amounts=APPLICATION_AMOUNTS,
        )
    ]
    if previous.status != record.status:
        if record.status == ApplicationStatus.SUBMITTED:
            texts.append("Ansökan inskickad")
        elif record.status == ApplicationStatus.RETURNED:
            texts.append(f"Ansökan återsänd för komplettering: {excerpt(record.return_message)}")
        else:
            texts.append(
                capfirst(
                    field_change(Application, "status", previous.status, record.status, unit=unit)
                )
            )
    elif previous.return_message != record.return_message:
        texts.append(
            capfirst(
                field_change(Application, "return_message", None, record.return_message, unit=unit)
            )
        )
    return texts


def _assessment_entries(application: Application, unit: str) -> list[HistoryEntry]:
    entries = []
    records = Assessment.history.filter(application_id=application.pk).select_related(
        "history_user", "assessor"
    )
    for previous, record in with_previous(records):
        for text in _assessment_texts(previous, record, unit):
            entries.append(
                HistoryEntry(when=record.history_date, text=text, by=recorded_by(record))
            )
    verdicts = CriterionAssessment.history.filter(
        assessment_id__in=Assessment.history.filter(application_id=application.pk).values("id")
    ).select_related("history_user", "criterion")
    for previous, record in with_previous(verdicts):
        for text in _verdict_texts(previous, record):
            entries.append(
                HistoryEntry(when=record.history_date, text=text, by=recorded_by(record))
            )
    return entries


def _assessment_texts(previous, record, unit: str) -> list[str]:
    proposed = display_amount(record.proposed_amount, unit)
    if record.history_type == "-":
        return ["Bedömningen borttagen"]
    if record.history_type == "+" or previous is None:
        texts = [f"Bedömning: föreslaget belopp {proposed}"]
        if record.motivation:
            texts.append(f"Bedömning, motivering: {excerpt(record.motivation)}")
        return texts
    return [
        f"Bedömning, {change}"
        for change in field_changes(
            Assessment, previous, record, ASSESSMENT_FIELDS, unit=unit, amounts=ASSESSMENT_AMOUNTS
        )
    ]


def _verdict_texts(previous, record) -> list[str]:
    criterion = record.criterion.text if record.criterion else "Borttaget kriterium"
    what = f"Bedömning, {criterion}"
    verdict_field = CriterionAssessment._meta.get_field("verdict")
    verdict = display_value(verdict_field, record.verdict, unit="")
    if record.history_type == "-":
        return [f"{what}: borttagen"]
    if record.history_type == "+" or previous is None:
        comment = f" – {excerpt(record.comment)}" if record.comment else ""
        return [f"{what}: {verdict}{comment}"]
    texts = []
    if previous.verdict != record.verdict:
        texts.append(
            f"{what}: {display_value(verdict_field, previous.verdict, unit='')} → {verdict}"
        )
    if previous.comment != record.comment:
        texts.append(
            f"{what}, {field_change(CriterionAssessment, 'comment', None, record.comment, unit='')}"
        )
    return texts


def application_changes_since(*, application: Application, version: int):
    """(who saved, what they changed) since `version` of the application, for the refusal."""
    history = Application.history.filter(id=application.pk)
    who = savers_since(history, version=version)
    base = version_as_of(history, version=version)
    if base is None:
        return who, []
    changes = field_changes(
        Application,
        base,
        application,
        [*APPLICATION_FIELDS, "status", "return_message"],
        unit=application.round.organisation.amount_unit,
        amounts=APPLICATION_AMOUNTS,
    )
    return who, [capfirst(change) for change in changes]


def assessment_changes_since(*, assessment: Assessment, version: int):
    """(who saved, what they changed) since `version` of the assessment (0: none existed),
    verdicts and comments included, for the refusal."""
    unit = assessment.application.round.organisation.amount_unit
    history = Assessment.history.filter(id=assessment.pk)
    who = savers_since(history, version=version)
    base = version_as_of(history, version=version) if version else None
    changes = []
    for name in ("proposed_amount", "motivation"):
        old = getattr(base, name) if base is not None else None
        new = getattr(assessment, name)
        if old != new and (old or new):
            changes.append(
                capfirst(
                    field_change(Assessment, name, old, new, unit=unit, amounts=ASSESSMENT_AMOUNTS)
                )
            )
    # The verdicts as they stood when the other person's first save began.
    first_newer = history.filter(version__gt=version).order_by("history_date").first()
    before = {}
    if base is not None and first_newer is not None:
        for record in CriterionAssessment.history.filter(
            assessment_id=assessment.pk, history_date__lt=first_newer.history_date
        ).order_by("history_date", "history_id"):
            before[record.criterion_id] = None if record.history_type == "-" else record
    verdict_field = CriterionAssessment._meta.get_field("verdict")
    for item in assessment.criteria.select_related("criterion"):
        old = before.get(item.criterion_id)
        if old is None or old.verdict != item.verdict:
            old_verdict = display_value(verdict_field, old.verdict, unit="") if old else "ej bedömt"
            new_verdict = display_value(verdict_field, item.verdict, unit="")
            changes.append(f"{item.criterion.text}: {old_verdict} → {new_verdict}")
        if (old.comment if old else "") != item.comment:
            comment = field_change(CriterionAssessment, "comment", None, item.comment, unit="")
            changes.append(f"{item.criterion.text}, {comment}")
    return who, changes
