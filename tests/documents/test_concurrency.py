"""Two officials edit the same decision document: the second save is refused and told what
the first changed; nothing is overwritten, and saving again then goes through."""

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import DecisionDocument
from tests.allocations.helpers import plain
from tests.documents.test_documents import create_document, nacka_2024
from tests.documents.test_history import document_form
from trygghet.models import User


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_second_save_is_refused_with_what_the_other_changed(demo):
    official = User.objects.get(username="nacka-handlaggare")
    colleague = User.objects.create_user(
        "nacka-kollega", password="x", organisation=official.organisation
    )
    colleague.groups.set(official.groups.all())
    first, second = Client(), Client()
    first.force_login(official)
    second.force_login(colleague)
    document = create_document(first, nacka_2024())
    url = reverse("documents:document-detail", args=[document.pk])

    # both open the texts
    officials = document_form(first, document, title="Trygghetspaketet 2024, fördelning")
    colleagues = document_form(
        second, document, summary="Kollegans sammanfattning.", reference="KFKS-2024-00430"
    )

    # the colleague saves first
    assert second.post(url, colleagues).status_code == 302

    # the official's save, based on the old version, is refused
    response = first.post(url, officials)
    page = plain(response.text)
    assert response.status_code == 200
    assert (
        "Någon annan har sparat dokumentet ”Trygghetspaketet 2024” av nacka-kollega medan du "
        "skrev: Diarienummer: tomt → ”KFKS-2024-00430”; "
        "Sammanfattning: ny text ”Kollegans sammanfattning.”. Inget av det du skrev är sparat."
        in page
    )
    assert 'value="Trygghetspaketet 2024, fördelning"' in page  # the typed title, again
    assert "<h1>Tjänsteskrivelse: Trygghetspaketet 2024</h1>" in page  # the page: what is saved
    stored = DecisionDocument.objects.get()
    assert (stored.title, stored.summary) == ("Trygghetspaketet 2024", "Kollegans sammanfattning.")

    # having seen the change, the official saves again on top of it
    again = first.post(url, response.context["form"].data.dict())
    assert again.status_code == 302
    stored.refresh_from_db()
    assert stored.title == "Trygghetspaketet 2024, fördelning"


def test_a_form_opened_before_finalising_and_reopening_is_refused(demo):
    official = User.objects.get(username="nacka-handlaggare")
    client = Client()
    client.force_login(official)
    document = create_document(client, nacka_2024())
    url = reverse("documents:document-detail", args=[document.pk])
    stale = document_form(client, document, title="Gammal flik")
    client.post(reverse("documents:document-finalise", args=[document.pk]))
    client.post(reverse("documents:document-new-version", args=[document.pk]))
    page = plain(client.post(url, stale).text)
    assert "Dokumentet har fastställts och öppnats för en ny version" in page
    assert DecisionDocument.objects.get().title == "Trygghetspaketet 2024"
