"""Decision documents as a registrar reads them: the seeds' words and numbers in the PDF,
finalising stores the file and locks the decided year or round."""

import hashlib
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from allocations.models import PackageYear
from applications.models import Round
from documents.models import DecisionDocument
from tests.conftest import make_organisation, make_round, make_user
from tests.helpers import one_decimal, table
from trygghet import roles
from trygghet.models import User


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(pdf: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext saknas: installera poppler-utils"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"[ \u00a0]+", " ", result.stdout.decode())


def login(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def nacka_2024():
    return PackageYear.objects.get(package__name="Trygghetspaketet", year=2024)


def create_document(client, package_year):
    response = client.post(
        reverse("documents:for-package-year", args=[package_year.package_id, package_year.year])
    )
    assert response.status_code == 302
    return DecisionDocument.objects.get(package_year=package_year)


def test_nacka_2024_document_has_the_seeds_decision_lines_and_amounts(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    pdf = client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content
    text = pdf_text(pdf)
    assert "TJÄNSTESKRIVELSE" in text
    assert "Kommunstyrelsen beslutar om fördelning av medel för 2024 års trygghetspaket" in text
    for line, amount in [
        ("Trygghetsvärdar", "1,6 mkr"),
        ("SSPF (skola, socialtjänst, polis, fritid)", "1,5 mkr"),
        ("Stöd till lokala arbetsgrupper", "0,6 mkr"),
        ("Kameraövervakning – centrala funktioner", "0,1 mkr"),
        ("Insatser i samverkan med lokala aktörer", "1,1 mkr"),
    ]:
        assert re.search(rf"{re.escape(line)}\s+{amount}", text), line
    assert "SUMMA 5,0 mkr" in text
    assert re.search(r"SUMMA 5,0 mkr 4,29 mkr 5,0 mkr", text)
    assert "0,09 mkr" in text
    assert "totalt cirka 2,5 mkr för 2024" in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for page in range(1, pages + 1):
        assert f"{page} ({pages})" in text


def test_the_pdf_is_pdf_a_2a_and_tagged(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    pdf = client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    # XMP may write the PDF/A identification as attributes or as elements
    assert re.search(r'pdfaid:part(="|>)2', xmp)
    assert re.search(r'pdfaid:conformance(="|>)A', xmp)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "sv"
    assert reader.metadata.title == "Trygghetspaketet 2024"
    assert reader.metadata.author == "Nora Handläggare"


def test_round_document_has_the_summary_sentence_and_the_appendix(client, demo):
    login(client, "sthlm-handlaggare")
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2024")
    client.post(reverse("documents:for-round", args=[round_.pk]))
    document = DecisionDocument.objects.get(round=round_)
    text = pdf_text(client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content)
    assert "TJÄNSTEUTLÅTANDE" in text
    assert "Trygghetsinvesteringar om 60,1 mnkr beviljas" in text
    assert "I detta ärende behandlas 48 ansökningar som totalt uppgår till 112,1 mnkr." in text
    assert "35 ansökningar beviljas medel om totalt 60,1 mnkr" in text
    assert "Bilaga 1. Sammanställning av bedömningar" in text
    assert re.search(r"SUMMA\s+112,1\s+60,1", text)
    assert "Summa Järva stadsdelsnämnd" in text


def test_distribution_document_names_each_committee_and_amount(client, demo):
    login(client, "linkoping-handlaggare")
    package_year = PackageYear.objects.get(package__name="Utökat trygghetsarbete")
    document = create_document(client, package_year)
    text = pdf_text(client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content)
    assert (
        "fördelas till social- och omsorgsnämnden med 1,0 mkr, kultur- och fritidsnämnden med "
        "0,5 mkr och kommunstyrelsen med 1,5 mkr" in re.sub(r"\s+", " ", text)
    )
    assert re.search(r"SUMMA\s+3,0 mkr", text)
    assert "Beslutet skickas till" in text and "Kultur- och fritidsnämnden" in text


def test_edited_texts_show_in_the_preview(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    url = reverse("documents:document-detail", args=[document.pk])
    page = client.get(url)
    data = {
        name: value for name, value in page.context["form"].initial.items() if value is not None
    }
    data.update(
        summary="Ett eget sammanfattande stycke.", date="2024-03-25", reference="KFKS-2024-00430"
    )
    client.post(url, data)
    preview = client.get(reverse("documents:document-preview", args=[document.pk])).text
    assert "Ett eget sammanfattande stycke." in preview
    assert "KFKS-2024-00430" in preview and "2024-03-25" in preview


def test_finalise_stores_the_pdf_and_serves_it_byte_for_byte(client, demo):
    login(client, "nacka-handlaggare")
    package_year = nacka_2024()
    document = create_document(client, package_year)
    response = client.post(reverse("documents:document-finalise", args=[document.pk]), follow=True)
    assert "Version 1 är fastställd och sparad." in response.text
    version = document.versions.get()
    first = b"".join(
        client.get(reverse("documents:version-download", args=[version.pk])).streaming_content
    )
    second = b"".join(
        client.get(reverse("documents:version-download", args=[version.pk])).streaming_content
    )
    assert first == second
    assert hashlib.sha256(first).hexdigest() == version.sha256
    # the finalised year is read-only now
    edit = client.get(
        reverse("allocations:allocation-edit", args=[package_year.package_id, 2024, "forslag"]),
        follow=True,
    )
    assert "fastställt i ett beslutsdokument och kan inte ändras" in edit.text
    # a change means a new version; the first stays downloadable
    client.post(reverse("documents:document-new-version", args=[document.pk]))
    client.post(reverse("documents:document-finalise", args=[document.pk]))
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    again = b"".join(
        client.get(reverse("documents:version-download", args=[version.pk])).streaming_content
    )
    assert again == first


def test_a_finalised_document_cannot_be_edited(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    client.post(reverse("documents:document-finalise", args=[document.pk]))
    url = reverse("documents:document-detail", args=[document.pk])
    client.post(url, {"title": "Ändrad", "date": "2024-01-01", "decision_points": "X"})
    document.refresh_from_db()
    assert document.title == "Trygghetspaketet 2024"


def test_members_read_but_do_not_finalise_and_other_organisations_get_404(client, demo):
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    login(client, "nacka-ledamot")
    assert client.get(reverse("documents:document-detail", args=[document.pk])).status_code == 200
    assert (
        client.post(reverse("documents:document-finalise", args=[document.pk])).status_code == 403
    )
    assert not document.versions.exists()
    login(client, "sthlm-handlaggare")
    for name in ("document-detail", "document-preview", "document-draft-pdf"):
        assert client.get(reverse(f"documents:{name}", args=[document.pk])).status_code == 404


def test_render_decision_command(demo, tmp_path):
    output = tmp_path / "nacka.pdf"
    call_command(
        "render_decision",
        "--organisation",
        "Nacka kommun",
        "--package",
        "Trygghetspaketet",
        "--year",
        "2024",
        "-o",
        str(output),
    )
    assert "SUMMA 5,0 mkr" in pdf_text(output.read_bytes())
    html = tmp_path / "runda.html"
    call_command(
        "render_decision",
        "--organisation",
        "Stockholms stad",
        "--round",
        "Trygghetsinvesteringar 2024",
        "--format",
        "html",
        "-o",
        str(html),
    )
    assert "Sammanställning av bedömningar" in html.read_text()
    result = subprocess.run(
        [
            ".venv/bin/python",
            "manage.py",
            "render_decision",
            "--organisation",
            "Ingen",
            "--round",
            "X",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "sqlite:////nonexistent/x.db",
        },
    )
    assert result.returncode == 1


@pytest.mark.parametrize("applications", [10, 100])
def test_round_preview_queries_are_constant(client, db, django_assert_num_queries, applications):
    """Prevents one query per application (committee, assessment) in the appendix."""
    organisation = make_organisation(amount_unit="mnkr")
    round_ = make_round(organisation, applications=applications, assessed=applications // 2)
    client.force_login(make_user(organisation, role=roles.OFFICIAL))
    client.post(reverse("documents:for-round", args=[round_.pk]))
    document = DecisionDocument.objects.get(round=round_)
    url = reverse("documents:document-preview", args=[document.pk])
    # session, user, document, 2 × permissions, summary, applications
    with django_assert_num_queries(7):
        response = client.get(url)
    appendix = table(response.text, "Bedömning per ansökan, grupperad per nämnd")
    per_committee = applications // 5
    # each committee's applications, then its sum
    sums = [row for row in appendix.rows if row[0].startswith("Summa ")]
    assert [row[1:3] for row in sums] == [
        [one_decimal(per_committee), one_decimal(per_committee / 4)]
    ] * 5
    listed = [row[1:6] for row in appendix.rows if not row[0].startswith("Summa ")]
    assert len(listed) == applications
    assert ["Ansökan 0", "Plats 0", "1,0", "0,5", "Delvis."] in listed
    assert [f"Ansökan {applications - 1}", f"Plats {applications - 1}", "1,0", "–", ""] in listed
    assert appendix.footer == [
        ["SUMMA", one_decimal(applications), one_decimal(applications / 4), ""]
    ]


def test_package_year_document_carries_the_year_over_year_table_of_2022(client, demo, tmp_path):
    output = tmp_path / "nacka-2022.pdf"
    call_command(
        "render_decision",
        "--organisation",
        "Nacka kommun",
        "--package",
        "Trygghetspaketet",
        "--year",
        "2022",
        "-o",
        str(output),
    )
    text = pdf_text(output.read_bytes())
    table = text[text.index("År för år") :]
    assert re.search(r"Trygghetspaketet\s+2022\s+2021\s+2020", table)
    for line, values in [
        ("Trygghetsvärdar (Orminge och Fisksätra)", "1,0 0,8 2,0"),
        ("Ambulerande Trygghetsvärdar", "0,0 0,8 0,3"),
        ("Brottsförebyggande trygghetssamordnare", "0,0 0,4 0,0"),
        ("Övriga insatser (LOV3, insatser mot unga i riskzon etcetera)", "0,9 0,0 0,0"),
    ]:
        assert f"{line} {values}" in table, line
    assert "Summa 5,0 5,0 5,0" in table


def test_no_comparison_with_a_year_that_does_not_exist(client, demo, tmp_path):
    output = tmp_path / "linkoping.pdf"
    call_command(
        "render_decision",
        "--organisation",
        "Linköpings kommun",
        "--package",
        "Utökat trygghetsarbete",
        "--year",
        "2021",
        "-o",
        str(output),
    )
    text = pdf_text(output.read_bytes())
    assert "2020" not in text


def test_optional_sections_follow_the_organisation(client, demo):
    login(client, "linkoping-handlaggare")
    package_year = PackageYear.objects.get(package__name="Utökat trygghetsarbete")
    document = create_document(client, package_year)
    page = client.get(reverse("documents:document-detail", args=[document.pk])).text
    for label in ("Jämställdhet", "Samråd", "Kommunala mål", "Information enligt MBL"):
        assert label in page, label
    text = pdf_text(client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content)
    assert "MBL-information eller förhandling är inte påkallad." in text
    login(client, "nacka-handlaggare")
    nacka = create_document(client, nacka_2024())
    assert (
        "Jämställdhet" not in client.get(reverse("documents:document-detail", args=[nacka.pk])).text
    )


def test_an_uploaded_logo_is_in_the_header_of_the_pdf(client, demo, tmp_path):
    import struct
    import zlib

    from django.core.files.base import ContentFile

    from trygghet.models import Organisation

    def png(width=8, height=8):
        raw = b"".join(b"\x00" + b"\x0b\x3d\x6b" * width for _ in range(height))

        def chunk(kind, data):
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data))
            )

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b"")
        )

    nacka = Organisation.objects.get(name="Nacka kommun")
    nacka.logo.save("nacka.png", ContentFile(png()))
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    pdf = client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content
    reader = PdfReader(io.BytesIO(pdf))
    resources = reader.pages[0]["/Resources"]
    images = [
        name
        for name, item in resources.get("/XObject", {}).items()
        if item.get_object().get("/Subtype") == "/Image"
    ]
    assert images, "the logo is not drawn on the first page"


def test_a_script_in_a_line_name_is_text_in_the_document(client, demo):
    from allocations.models import BudgetLine

    line = BudgetLine.objects.get(name="Trygghetsvärdar")
    line.labels.all().delete()
    line.name = "<script>alert(1)</script>"
    line.save()
    login(client, "nacka-handlaggare")
    document = create_document(client, nacka_2024())
    preview = client.get(reverse("documents:document-preview", args=[document.pk])).text
    assert "<script>alert(1)</script>" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    text = pdf_text(client.get(reverse("documents:document-draft-pdf", args=[document.pk])).content)
    assert "<script>alert(1)</script>" in text
