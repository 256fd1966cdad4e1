"""A decision document's change history in plain Swedish: its texts, each finalised
version and each new version opened. "Sammanfattning: ny text ”Kommunstyrelsen …”"."""

from django.utils.text import capfirst

from documents.models import DecisionDocument, DocumentVersion
from documents.services import EDITABLE_FIELDS
from trygghet.history import (
    HistoryEntry,
    field_changes,
    newest_first,
    recorded_by,
    with_previous,
)


def document_history(*, document: DecisionDocument) -> list[HistoryEntry]:
    """Every recorded change to the document's texts, every finalised version and every
    reopening, newest first (two queries however long the history)."""
    unit = document.organisation.amount_unit
    entries = []
    records = DecisionDocument.history.filter(id=document.pk).select_related("history_user")
    for previous, record in with_previous(records):
        by = recorded_by(record)
        if previous is None:
            done = "skapat med förifyllda texter" if record.history_type == "+" else "sparat"
            entries.append(HistoryEntry(when=record.history_date, text=f"Dokumentet {done}", by=by))
            continue
        for change in field_changes(DecisionDocument, previous, record, EDITABLE_FIELDS, unit=unit):
            entries.append(HistoryEntry(when=record.history_date, text=capfirst(change), by=by))
        if previous.finalised and not record.finalised:
            text = "Ny version påbörjad: dokumentet kan ändras igen"
            entries.append(HistoryEntry(when=record.history_date, text=text, by=by))
    # Finalising is told from the stored versions, which carry the number and checksum.
    for version in DocumentVersion.objects.filter(document=document).select_related("finalised_by"):
        text = f"Version {version.number} fastställd (SHA-256 {version.sha256[:12]} …)"
        entries.append(
            HistoryEntry(when=version.finalised_at, text=text, by=version.finalised_by.username)
        )
    return newest_first(entries)
