"""Everything that writes decision documents. Each service is one transaction."""

import hashlib
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst

from allocations.models import PackageYear
from applications.models import Round
from documents import prefill
from documents.models import DecisionDocument, DocumentVersion, version_path
from documents.pdf import render_pdf
from documents.rendering import render_html
from trygghet.concurrency import concurrent_change, savers_since, version_as_of
from trygghet.history import field_changes
from trygghet.services import model_update

EDITABLE_FIELDS = [
    "reference",
    "date",
    "title",
    "proposer",
    "decision_points",
    "summary",
    "background",
    "assessment",
    "economy",
    "children",
    "gender_equality",
    "consultation",
    "municipal_goals",
    "mbl",
    "documents_list",
    "signatory_name",
    "signatory_title",
    "second_signatory_name",
    "second_signatory_title",
    "send_to",
]


def _author(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


@transaction.atomic
def document_get_or_create(
    *, package_year: PackageYear | None = None, round_: Round | None = None, by=None
) -> DecisionDocument:
    """The document of a package year or round, created with pre-filled texts if missing."""
    lookup = {"package_year": package_year} if package_year else {"round": round_}
    document = DecisionDocument.objects.filter(**lookup).first()
    if document is not None:
        return document
    if package_year is not None:
        texts = prefill.package_year_texts(package_year, author=_author(by))
        organisation = package_year.package.organisation
    else:
        texts = prefill.round_texts(round_, author=_author(by))
        organisation = round_.organisation
    document = DecisionDocument(organisation=organisation, updated_by=by, **lookup, **texts)
    document.full_clean()
    document.save()
    return document


def _ensure_open(document: DecisionDocument) -> None:
    if document.finalised:
        raise ValidationError(
            "Dokumentet är fastställt och kan inte ändras. Skapa en ny version för att ändra det."
        )


@transaction.atomic
def document_save(
    *, document: DecisionDocument, data: dict, expected_version: int | None = None, by=None
) -> DecisionDocument:
    """Store the texts; with `expected_version`, texts based on an older version are refused
    (ConcurrentChange) instead of overwriting someone else's."""
    document = (
        DecisionDocument.objects.select_for_update()
        .select_related("organisation")
        .get(pk=document.pk)
    )
    _ensure_open(document)
    if expected_version is not None and document.version != expected_version:
        raise _conflict(document, expected_version)
    document, _ = model_update(
        instance=document,
        fields=[*EDITABLE_FIELDS, "updated_by", "version"],
        data={**data, "updated_by": by, "version": document.version + 1},
    )
    return document


def document_finalise(*, document: DecisionDocument, by) -> DocumentVersion:
    """Render the PDF once and store it; the document and its subject become read-only.

    The PDF is written beside its place first and moved there once the transaction has
    committed, so a finalise that fails leaves no file that no version points to.
    """
    with _moved_into_place_after_commit() as place, transaction.atomic():
        document = DecisionDocument.objects.select_for_update().get(pk=document.pk)
        _ensure_open(document)
        pdf = render_pdf(html=render_html(document))
        number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            finalised_by=by,
            finalised_at=timezone.now(),
        )
        version.file.name = version_path(version, "")
        place(version.file.name, pdf)
        version.save()
        document.finalised = True
        document.version += 1
        document.save(update_fields=["finalised", "version"])
    return version


@contextmanager
def _moved_into_place_after_commit():
    """Yields `place(name, pdf)`, which writes a temporary file beside `name`; when the
    block ends without an error (the transaction inside it committed) the file is moved
    to `name`, otherwise removed."""
    written: list[tuple[Path, Path]] = []

    def place(name: str, pdf: bytes) -> None:
        final = Path(default_storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(pdf)
        written.append((temporary, final))

    try:
        yield place
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in written:
        os.replace(temporary, final)


@transaction.atomic
def document_new_version(*, document: DecisionDocument, by) -> DecisionDocument:
    """Open a finalised document for changes; earlier versions stay stored and downloadable."""
    document = DecisionDocument.objects.select_for_update().get(pk=document.pk)
    if not document.finalised:
        return document
    document.finalised = False
    document.updated_by = by
    document.version += 1
    document.save(update_fields=["finalised", "updated_by", "updated_at", "version"])
    return document


def _conflict(document: DecisionDocument, expected_version: int):
    """Who saved the document since `expected_version`, and which texts they changed."""
    history = DecisionDocument.history.filter(id=document.pk)
    base = version_as_of(history, version=expected_version)
    changes = []
    if base is not None:
        changes = field_changes(
            DecisionDocument,
            base,
            document,
            EDITABLE_FIELDS,
            unit=document.organisation.amount_unit,
        )
        if document.versions.filter(finalised_at__gt=base.history_date).exists():
            changes.append("dokumentet har fastställts och öppnats för en ny version")
    return concurrent_change(
        subject=f"dokumentet ”{document.title}”",
        who=savers_since(history, version=expected_version),
        changes=[capfirst(change) for change in changes],
        what="texterna",
    )
