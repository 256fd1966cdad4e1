"""Everything that writes rounds, applications and assessments. Each service is one
transaction and validates before it saves; views, imports and commands call these."""

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from applications.history import application_changes_since, assessment_changes_since
from applications.models import (
    APPLICATION_CONTENT_FIELDS,
    DEFAULT_CRITERIA,
    ROUND_FIELDS,
    Application,
    ApplicationStatus,
    Assessment,
    Attachment,
    CostItem,
    Criterion,
    CriterionAssessment,
    Evidence,
    Round,
    RoundDecision,
    RoundStatus,
)
from applications.rules import ensure_assessment_valid, ensure_round_open
from applications.selectors import decision_applications
from trygghet.amounts import format_amount_with_unit, implausible_amount_message
from trygghet.concurrency import concurrent_change
from trygghet.decisions import (
    DecisionRecord,
    changed_amounts,
    decision_create,
    decision_reopen,
    record_errors,
)
from trygghet.locks import ensure_editable
from trygghet.models import CommitteeKind, Organisation
from trygghet.services import model_update

# The order a round goes through; a step back is allowed until it is decided.
ROUND_FLOW = [
    RoundStatus.DRAFT,
    RoundStatus.OPEN,
    RoundStatus.ASSESSMENT,
    RoundStatus.PROPOSAL,
    RoundStatus.DECIDED,
]


@transaction.atomic
def round_save(
    *,
    organisation: Organisation,
    round_: Round | None = None,
    name: str,
    year: int,
    frame: int,
    opens_on: date,
    closes_on: date,
    instructions: str = "",
    deciding_body=None,
    criteria: list[str] | None = None,
    by=None,
) -> Round:
    """Create a round (with the default criteria unless given) or update one."""
    if round_ is None:
        round_ = Round(organisation=organisation)
    else:
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        ensure_editable(round_)
    round_, _ = model_update(
        instance=round_,
        fields=ROUND_FIELDS,
        data={
            "name": name.strip(),
            "year": year,
            "frame": frame,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "instructions": instructions,
            "deciding_body": deciding_body,
        },
    )
    if criteria is None and not round_.criteria.exists():
        criteria = DEFAULT_CRITERIA
    if criteria is not None:
        _criteria_set(round_, criteria)
    return round_


def _criteria_set(round_: Round, texts: list[str]) -> None:
    """Keep criteria whose text is unchanged (and their verdicts); add and remove the rest."""
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise ValidationError({"criteria": "Ange minst ett bedömningskriterium."})
    existing = {criterion.text: criterion for criterion in round_.criteria.all()}
    round_.criteria.exclude(text__in=texts).delete()
    for order, text in enumerate(texts, start=1):
        criterion = existing.get(text) or Criterion(round=round_, text=text)
        criterion.order = order
        criterion.full_clean()
        criterion.save()


@transaction.atomic
def round_set_status(*, round_: Round, status: str, by=None) -> Round:
    """Move a round one step forward or back in its flow; a decided round stays decided."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ensure_editable(round_)
    current, target = ROUND_FLOW.index(round_.status), ROUND_FLOW.index(status)
    if abs(target - current) != 1:
        raise ValidationError(
            f"{round_.name} kan inte gå från {round_.get_status_display().lower()} till "
            f"{RoundStatus(status).label.lower()}."
        )
    if status == RoundStatus.DECIDED:
        raise ValidationError(
            f"Registrera beslutet om {round_.name} med beslutande organ, datum och paragraf.",
            code="decision_needed",
        )
    round_.status = status
    round_.save(update_fields=["status"])
    return round_


def proposed_amount(application: Application) -> int:
    """What the central office proposed (0 when it has not assessed the application)."""
    assessment = getattr(application, "assessment", None)
    return assessment.proposed_amount if assessment else 0


@transaction.atomic
def round_decide(
    *, round_: Round, record: DecisionRecord, granted: dict[int, int] | None = None, by=None
) -> RoundDecision:
    """Record the decision on a round's distribution: each received application is granted
    the proposed amount unless `granted` (by application id) says otherwise, and the round
    locks."""
    round_ = Round.objects.select_for_update().select_related("organisation").get(pk=round_.pk)
    if round_.status != RoundStatus.PROPOSAL:
        raise ValidationError(
            "Bara en omgång med status förslag kan beslutas.", code="not_proposal"
        )
    unit = round_.organisation.amount_unit
    applications = decision_applications(round_=round_)
    proposed = {application.pk: proposed_amount(application) for application in applications}
    decided = dict(proposed) if granted is None else dict(granted)
    if set(decided) - set(proposed):
        raise ValidationError("Beslutet gäller en ansökan som inte hör till omgången.")
    errors = record_errors(record)
    for application in applications:
        amount = decided.get(application.pk)
        if amount is None:
            errors[f"application_{application.pk}"] = "Ange beviljat belopp (0 om inget beviljas)."
        elif amount > application.applied_amount:
            errors[f"application_{application.pk}"] = (
                "Beviljat belopp kan inte vara mer än det sökta, "
                f"{format_amount_with_unit(application.applied_amount, unit)}."
            )
    total = sum(amount or 0 for amount in decided.values())
    if total > round_.frame:
        errors[NON_FIELD_ERRORS] = (
            f"Beviljat totalt {format_amount_with_unit(total, unit)} överskrider ramen "
            f"{format_amount_with_unit(round_.frame, unit)} med "
            f"{format_amount_with_unit(total - round_.frame, unit)}."
        )
    if errors:
        raise ValidationError(errors)
    decision = decision_create(
        round_,
        record=record,
        changes=changed_amounts(
            [
                (
                    f"{application.committee.name}: {application.title}",
                    proposed[application.pk],
                    decided[application.pk],
                )
                for application in applications
            ]
        ),
        by=by,
    )
    for application in applications:
        application.granted_amount = decided[application.pk]
    bulk_update_with_history(applications, Application, ["granted_amount"], default_user=by)
    round_.status = RoundStatus.DECIDED
    round_._change_reason = f"Beslutat: {decision}"
    round_.save(update_fields=["status"])
    return decision


@transaction.atomic
def round_reopen(*, round_: Round, reason: str, by) -> Round:
    """Reopen a decided round, for someone with the right to: the decision is kept, marked
    reopened with who and why; the granted amounts are cleared and the round is a proposal
    again."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    reason = decision_reopen(round_, reason=reason, by=by)
    granted = list(round_.applications.filter(granted_amount__isnull=False))
    for application in granted:
        application.granted_amount = None
    bulk_update_with_history(granted, Application, ["granted_amount"], default_user=by)
    round_.status = RoundStatus.PROPOSAL
    round_._change_reason = f"Återöppnad: {reason}"
    round_.save(update_fields=["status"])
    return round_


@dataclass
class ApplicationContent:
    """What an applicant writes: `fields` by name (APPLICATION_CONTENT_FIELDS; one left out
    keeps its value), costs as (description, kronor), evidence as (kind, date, text)."""

    fields: dict
    costs: list[tuple[str, int]] | None = None
    evidence: list[tuple[str, date | None, str]] | None = None


def _ensure_applicant_may_edit(application: Application, by) -> None:
    if by is not None and not by.has_perm("applications.change_application", application):
        raise PermissionDenied
    if not application.is_editable_by_applicant:
        raise ValidationError("Ansökan är inskickad och kan inte ändras.")


@transaction.atomic
def application_save(
    *,
    round_: Round,
    committee,
    content: ApplicationContent,
    application: Application | None = None,
    expected_version: int | None = None,
    by=None,
) -> Application:
    """Create or change a draft (or returned) application with its costs and evidence.

    With `expected_version`, a change based on an older version is refused (ConcurrentChange).
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ensure_editable(round_)
    if application is None:
        if round_.status != RoundStatus.OPEN:
            ensure_round_open(round_)
        application = Application(round=round_, committee=committee)
    else:
        application = (
            Application.objects.select_for_update().select_related("round").get(pk=application.pk)
        )
        _ensure_applicant_may_edit(application, by)
        _ensure_application_version(application, expected_version)
    applied_amount = content.fields.get("applied_amount", application.applied_amount)
    implausible = implausible_amount_message(
        applied_amount, frame=round_.frame, unit=round_.organisation.amount_unit
    )
    if implausible:
        raise ValidationError({"applied_amount": f"Sökt belopp: {implausible}"})
    if content.costs:
        total = sum(amount for _, amount in content.costs)
        if total != applied_amount:
            unit = round_.organisation.amount_unit
            costs = format_amount_with_unit(total, unit)
            applied = format_amount_with_unit(applied_amount, unit)
            raise ValidationError(
                {
                    "applied_amount": (
                        f"Kostnaderna summerar till {costs} men det sökta beloppet är {applied}."
                    )
                }
            )
    data = {**content.fields}
    if application.pk is not None:
        data["version"] = application.version + 1  # saved even when only the costs changed
    application, _ = model_update(
        instance=application, fields=[*APPLICATION_CONTENT_FIELDS, "version"], data=data
    )
    if content.costs is not None:
        application.costs.all().delete()
        for description, amount in content.costs:
            item = CostItem(application=application, description=description, amount=amount)
            item.full_clean()
            item.save()
    if content.evidence is not None:
        application.evidence.all().delete()
        for kind, when, description in content.evidence:
            item = Evidence(application=application, kind=kind, date=when, description=description)
            item.full_clean()
            item.save()
    return application


def submission_errors(application: Application) -> list[str]:
    """What an application lacks before it can be submitted, in the applicant's words."""
    missing = []
    if not application.problem.strip():
        missing.append("en platsspecifik problembeskrivning")
    if not application.evidence.exists():
        missing.append("minst ett underlag om otrygghet (t.ex. trygghetsvandring eller enkät)")
    if not application.measure.strip():
        missing.append("en föreslagen åtgärd")
    if application.applied_amount <= 0:
        missing.append("ett sökt belopp")
    if not application.costs.exists():
        missing.append("en kostnadsfördelning")
    if not application.contact_name.strip():
        missing.append("en kontaktperson")
    if application.committee.kind == CommitteeKind.FACKNAMND and application.consulted is None:
        missing.append("svar på om stadsdelsnämnden har samråtts")
    return missing


@transaction.atomic
def application_submit(
    *, application: Application, expected_version: int | None = None, by=None
) -> Application:
    """Send a draft or returned application to the central office; it is then read-only."""
    application = (
        Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    )
    _ensure_applicant_may_edit(application, by)
    _ensure_application_version(application, expected_version)
    if application.status == ApplicationStatus.RETURNED:
        # The central office asked for the completion, so it may come back after closing.
        ensure_editable(application.round)
    else:
        ensure_round_open(application.round)
    missing = submission_errors(application)
    if missing:
        listed = ", ".join(missing[:-1]) + " och " + missing[-1] if len(missing) > 1 else missing[0]
        raise ValidationError(f"Ansökan kan inte skickas in. Den saknar {listed}.")
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.return_message = ""
    application.version += 1
    application.save(update_fields=["status", "submitted_at", "return_message", "version"])
    return application


@transaction.atomic
def application_return(
    *, application: Application, message: str, expected_version: int | None = None, by=None
) -> Application:
    """The central office sends a submitted application back for completion."""
    application = (
        Application.objects.select_for_update()
        .select_related("round__organisation")
        .get(pk=application.pk)
    )
    ensure_editable(application.round)
    # Before the status: whoever returned or resubmitted it meanwhile is worth naming.
    _ensure_application_version(application, expected_version)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError("Bara en inskickad ansökan kan återsändas.")
    if not message.strip():
        raise ValidationError({"message": "Skriv vad som behöver kompletteras."})
    application.status = ApplicationStatus.RETURNED
    application.return_message = message.strip()
    application.version += 1
    application.save(update_fields=["status", "return_message", "version"])
    return application


def _ensure_application_version(application: Application, expected_version: int | None) -> None:
    """Refuse a change based on an older version, saying who saved since and what changed."""
    if expected_version is None or application.version == expected_version:
        return
    who, changes = application_changes_since(application=application, version=expected_version)
    raise concurrent_change(
        subject=f"ansökan ”{application.title}”", who=who, changes=changes, what="ansökan"
    )


@transaction.atomic
def assessment_save(
    *,
    application: Application,
    proposed_amount: int | None,
    motivation: str,
    verdicts: dict[int, tuple[str, str]],
    expected_version: int | None = None,
    by=None,
) -> Assessment:
    """Store the assessment of one application: verdict and comment per criterion, the
    proposed amount and its motivation. Touches no other application.

    `expected_version` is the version the form showed (0: not yet assessed); a save based on
    an older one is refused (ConcurrentChange)."""
    application = (
        Application.objects.select_for_update()
        .select_related("round__organisation")
        .get(pk=application.pk)
    )
    round_ = application.round
    ensure_editable(round_)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError("Bara en inskickad ansökan kan bedömas.")
    # The application's lock above serialises every save of its assessment.
    assessment = Assessment.objects.filter(application=application).first()
    current_version = assessment.version if assessment else 0
    if expected_version is not None and expected_version != current_version:
        who, changes = assessment_changes_since(assessment=assessment, version=expected_version)
        raise concurrent_change(
            subject=f"bedömningen av ”{application.title}”",
            who=who,
            changes=changes,
            what="bedömningen",
        )
    ensure_assessment_valid(
        applied=application.applied_amount,
        proposed=proposed_amount,
        motivation=motivation,
        unit=round_.organisation.amount_unit,
    )
    if assessment is None:
        assessment = Assessment(application=application)
    else:
        assessment.version += 1
    assessment.proposed_amount = proposed_amount
    assessment.motivation = motivation.strip()
    assessment.assessor = by
    assessment.assessed_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    criteria = {criterion.pk: criterion for criterion in round_.criteria.all()}
    for criterion_id, (verdict, comment) in verdicts.items():
        if criterion_id not in criteria:
            raise ValidationError("Kriteriet hör inte till omgången.")
        CriterionAssessment.objects.update_or_create(
            assessment=assessment,
            criterion=criteria[criterion_id],
            defaults={"verdict": verdict, "comment": comment.strip()},
        )
    return assessment


# Attachments: what an applicant may attach, recognised by content, not by name.
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
_SIGNATURES = [
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG-bild"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG-bild"),
]
_OFFICE_TYPES = {
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A stored attachment's name ends as its detected type: a PDF sent as rapport.html is
# stored and offered as rapport.pdf, so no browser or reader takes it for something else.
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    _OFFICE_TYPES["xl/"]: ".xlsx",
    _OFFICE_TYPES["word/"]: ".docx",
}


def sniff_content_type(head: bytes, upload: UploadedFile) -> str | None:
    """The file's real type from its first bytes (and, for XLSX/DOCX, its zip entries)."""
    for signature, content_type, _ in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, content_type in _OFFICE_TYPES.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    return None


@transaction.atomic
def attachment_add(*, application: Application, upload: UploadedFile, by) -> Attachment:
    application = (
        Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    )
    _ensure_applicant_may_edit(application, by)
    if upload.size > MAX_ATTACHMENT_SIZE:
        raise ValidationError({"file": "Filen är större än 10 MB."})
    upload.seek(0)
    content_type = sniff_content_type(upload.read(8), upload)
    if content_type is None:
        raise ValidationError(
            {"file": "Filen är inte en PDF, bild (PNG, JPEG), Excel- eller Word-fil (XLSX, DOCX)."}
        )
    upload.seek(0)
    name = f"{Path(upload.name).stem[:240] or 'bilaga'}{_EXTENSIONS[content_type]}"
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> str:
    """Remove an attachment from a draft (or returned) application; returns its name. The
    file goes when the removal is committed."""
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    _ensure_applicant_may_edit(application, by)
    name, file = attachment.original_name, attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
    return name
