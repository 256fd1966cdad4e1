"""The Ändringshistorik of a decision document: its texts, finalised and new versions."""

import datetime

import pytest
from django.urls import reverse

from documents import services
from tests.allocations.helpers import plain
from tests.conftest import make_organisation, make_package, make_user
from tests.documents.test_documents import create_document, login, nacka_2024
from tests.helpers import main_lists
from trygghet import roles


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def document_form(client, document, **typed) -> dict:
    """What the document's form posts when opened now, with `typed` filled in."""
    form = client.get(reverse("documents:document-detail", args=[document.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(typed)
    return data


def test_texts_versions_and_reopening_read_as_sentences(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    url = reverse("documents:document-detail", args=[document.pk])
    long_summary = "Kommunstyrelsen föreslås fördela trygghetspaketets medel. " * 20
    client.post(
        url,
        document_form(
            client, document, summary=long_summary, reference="KFKS-2024-00430", date="2024-03-25"
        ),
    )
    client.post(reverse("documents:document-finalise", args=[document.pk]))
    client.post(reverse("documents:document-new-version", args=[document.pk]))

    login(client, "nacka-ledamot")
    detail = client.get(url).text
    history_url = reverse("documents:document-history", args=[document.pk])
    assert history_url in detail
    page = plain(client.get(history_url).text)
    assert "Dokumentet skapat med förifyllda texter, av nacka-handlaggare" in page
    assert "Diarienummer: tomt → ”KFKS-2024-00430”, av nacka-handlaggare" in page
    assert "Datum: " in page and "→ 2024-03-25, av nacka-handlaggare" in page
    assert (
        "Sammanfattning: ny text ”Kommunstyrelsen föreslås fördela trygghetspaketets medel." in page
    )
    assert long_summary not in page  # a long text is named by its start
    sha = document.versions.get().sha256[:12]
    assert f"Version 1 fastställd (SHA-256 {sha} …), av nacka-handlaggare" in page
    assert "Ny version påbörjad: dokumentet kan ändras igen, av nacka-handlaggare" in page
    assert page.index("Ny version påbörjad") < page.index("Version 1 fastställd")


def test_other_organisations_get_404(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    login(client, "sthlm-handlaggare")
    assert client.get(reverse("documents:document-history", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("changes", [2, 30])
def test_history_page_queries_are_constant(client, db, django_assert_num_queries, changes):
    """Prevents one query per history record (its previous version or user) and per
    finalised version (who finalised it)."""
    organisation = make_organisation()
    package = make_package(organisation, lines=2, years=(2024,))
    official = make_user(organisation, role=roles.OFFICIAL)
    package_year = package.years.get()
    document = services.document_get_or_create(package_year=package_year, by=official)
    for day in range(1, changes + 1):
        services.document_save(
            document=document, data={"date": datetime.date(2024, 1, day % 28 + 1)}, by=official
        )
    client.force_login(official)
    # session, user, document, 2 × permissions, document history, finalised versions
    with django_assert_num_queries(7):
        response = client.get(reverse("documents:document-history", args=[document.pk]))
    (entries,) = main_lists(response.text)
    assert len(entries) == changes + 1
    assert entries[0].startswith(
        f"Datum: 2024-01-{changes % 28:02} → 2024-01-{changes % 28 + 1:02}"
    )
    assert entries[-1].startswith("Dokumentet skapat med förifyllda texter")
    assert plain(response.text).count("Datum:") == changes
