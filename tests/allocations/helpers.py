"""Helpers shared by the allocation tests."""

import io

from openpyxl import load_workbook

from allocations.models import Package
from trygghet.models import User

NBSP = "\u00a0"


def nacka(client, username="nacka-handlaggare"):
    """Log in a Nacka demo user and return Nacka's Trygghetspaketet."""
    client.force_login(User.objects.get(username=username))
    return Package.objects.get(name="Trygghetspaketet")


def plain(text: str) -> str:
    """Text with non-breaking spaces as plain spaces, as a reader sees it."""
    return text.replace(NBSP, " ").replace("\u2212", "-")


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
