"""A finalised PDF is served only as it was finalised, and a failed finalise leaves no file."""

import logging

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from documents import services
from documents.models import DecisionDocument, DocumentVersion
from tests.documents.test_documents import create_document, login, nacka_2024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _finalised(client):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    client.post(reverse("documents:document-finalise", args=[document.pk]))
    return document.versions.get()


def _files():
    return sorted(path.name for path in django_settings.MEDIA_ROOT.rglob("*") if path.is_file())


def test_a_changed_file_is_not_served_and_the_change_is_logged(client, demo, caplog):
    version = _finalised(client)
    path = version.file.path
    with open(path, "r+b") as file:
        file.seek(200)
        file.write(b"X")
    with caplog.at_level(logging.ERROR, logger="documents.views"):
        response = client.get(reverse("documents:version-download", args=[version.pk]))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "har ändrats sedan den fastställdes" in response.text
    assert version.sha256 in response.text
    assert "lämnas inte ut" in caplog.text and "har ändrats" in caplog.text


def test_a_missing_file_gives_a_clear_page(client, demo, caplog):
    version = _finalised(client)
    version.file.storage.delete(version.file.name)
    with caplog.at_level(logging.ERROR, logger="documents.views"):
        response = client.get(reverse("documents:version-download", args=[version.pk]))
    assert response.status_code == 409
    assert "saknas i lagringen" in response.text
    assert "saknas" in caplog.text


def test_an_intact_file_is_served_byte_for_byte(client, demo):
    version = _finalised(client)
    response = client.get(reverse("documents:version-download", args=[version.pk]))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    with open(version.file.path, "rb") as file:
        assert served == file.read()
    assert _files() == ["version-1.pdf"]


def test_a_failed_finalise_leaves_no_file_and_no_version(client, demo, monkeypatch):
    official = login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())

    def fail(self, *args, **kwargs):
        raise RuntimeError("databasen svarade inte")

    monkeypatch.setattr(DecisionDocument, "save", fail)
    with pytest.raises(RuntimeError):
        services.document_finalise(document=document, by=official)
    monkeypatch.undo()
    assert not DocumentVersion.objects.exists()
    assert not DecisionDocument.objects.get(pk=document.pk).finalised
    assert _files() == []
