"""The PDF layer: PDF/A-2a with metadata and tags, the print base's header and tables,
embedded fonts, and a URL fetcher that reads static files and nothing else."""

import datetime
import hashlib
import io
import re
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from PIL import Image
from pypdf import PdfReader

from documents.pdf import ResourceRefused, image_data_url, render_pdf, static_url_fetcher

ROWS = 100

CONTENT = """
<h2>Förslag till beslut</h2>
<ol><li>Kommunstyrelsen beslutar om fördelning av medel för 2024 års trygghetspaket.</li></ol>
<h2>Sammanfattning</h2>
<p>Kommunfullmäktige har beslutat att avsätta 5 mkr för 2024 till trygghetspaketet.</p>
<table>
  <caption>Fördelning av medel</caption>
  <thead><tr>
    <th scope="col">Insats</th><th scope="col">Mottagare</th>
    <th scope="col" class="amount">Förslag 2024</th><th scope="col" class="amount">Utfall 2023</th>
  </tr></thead>
  <tbody>{% for n in rows %}<tr>
    <th scope="row">Post {{ n }}</th><td>Nämnd {{ n }}</td>
    <td class="amount">0,05</td><td class="amount">0,04</td>
  </tr>{% endfor %}</tbody>
  <tfoot><tr><th scope="row">SUMMA</th><td></td><td class="amount">5,0</td>
    <td class="amount">4,29</td></tr></tfoot>
</table>
"""

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def make_document(**values):
    values.setdefault("organisation", SimpleNamespace(name="Nacka kommun"))
    values.setdefault("logo_url", "")
    values.setdefault("document_type", "TJÄNSTESKRIVELSE")
    values.setdefault("date", datetime.date(2024, 3, 25))
    values.setdefault("reference", "KFKS-2024-00430")
    values.setdefault("title", "Trygghetspaketet 2024")
    values.setdefault("author", "Anna Andersson")
    values.setdefault("subject", "Fördelning av trygghetspaketets medel 2024")
    values.setdefault(
        "address_lines",
        ["POSTADRESS Nacka kommun, 131 81 Nacka", "BESÖKSADRESS Stadshuset, Granitvägen 15"],
    )
    return SimpleNamespace(**values)


def render_html(content=CONTENT, *, rows=ROWS, blocks="", **document):
    source = '{% extends "documents/print_base.html" %}'
    source += f"{{% block content %}}{content}{{% endblock %}}{blocks}"
    context = {"document": make_document(**document), "rows": range(1, rows + 1)}
    return Template(source).render(Context(context))


def page_texts(pdf: bytes) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext saknas: installera poppler-utils (apt-get install poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode().split("\f")[:-1]


def structure_tags(reader: PdfReader) -> list[tuple[str, dict]]:
    """Every structure element of the tag tree, as (type, element), in document order."""
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append((node["/S"], node))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach a network fails the test instead of leaving the machine."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert not attempts


@pytest.fixture(scope="module")
def html():
    return render_html()


@pytest.fixture(scope="module")
def pdf(html):
    return render_pdf(html=html)


@pytest.fixture(scope="module")
def reader(pdf):
    return PdfReader(io.BytesIO(pdf))


def test_every_page_has_header_footer_and_page_number_of_total(pdf):
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"(?<!\d){number} \({len(pages)}\)", text), text
        for expected in (
            "Nacka kommun",
            "TJÄNSTESKRIVELSE",
            "2024-03-25",
            "Dnr KFKS-2024-00430",
            "BESÖKSADRESS Stadshuset, Granitvägen 15",
        ):
            assert expected in text, (number, expected)


def test_long_table_repeats_its_header_and_loses_no_row(pdf):
    pages = page_texts(pdf)
    header = re.compile(r"Insats\s+Mottagare\s+Förslag 2024\s+Utfall 2023")
    assert all(header.search(text) for text in pages[1:]), "header row missing after a break"
    rows = [int(n) for text in pages for n in re.findall(r"\bPost (\d+)\b", text)]
    assert rows == list(range(1, ROWS + 1))
    summary = [text for text in pages if re.search(r"SUMMA\s+5,0\s+4,29", text)]
    assert summary == [pages[-1]]
    assert "Post 100" in pages[-1]  # the sum row takes the last rows with it


def test_headings_and_title_in_reading_order(pdf):
    first = page_texts(pdf)[0]
    title = first.index("Trygghetspaketet 2024")
    assert title < first.index("Förslag till beslut") < first.index("Sammanfattning")


def test_xmp_identifies_pdf_a_2a_with_title_author_and_subject(reader):
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    rdf = ET.fromstring(xmp).find("rdf:RDF", XMP)
    descriptions = rdf.findall("rdf:Description", XMP)
    identification = {
        key: value
        for description in descriptions
        for key, value in description.attrib.items()
        if key.startswith(f"{{{XMP['pdfaid']}}}")
    }
    assert identification == {
        f"{{{XMP['pdfaid']}}}part": "2",
        f"{{{XMP['pdfaid']}}}conformance": "A",
    }
    assert rdf.findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=XMP) == "Trygghetspaketet 2024"
    assert rdf.findtext(".//dc:creator/rdf:Seq/rdf:li", namespaces=XMP) == "Anna Andersson"
    assert (
        rdf.findtext(".//dc:description/rdf:Alt/rdf:li", namespaces=XMP)
        == "Fördelning av trygghetspaketets medel 2024"
    )


def test_document_information_language_and_dates(reader, pdf, html):
    info = reader.metadata
    assert info.title == "Trygghetspaketet 2024"
    assert info.author == "Anna Andersson"
    assert info.subject == "Fördelning av trygghetspaketets medel 2024"
    assert info["/Keywords"] == "Tjänsteskrivelse, KFKS-2024-00430, Nacka kommun"
    # The document's own date, not the clock: re-rendering does not change it.
    assert info["/CreationDate"] == "D:20240325"
    assert "/ModDate" not in info
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.pdf_header == "%PDF-1.7"
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32]
    assert reader.trailer["/ID"][0] == identifier


def test_structure_tree_tags_headings_lists_and_tables(reader):
    tags = [tag for tag, _ in structure_tags(reader)]
    assert tags.count("/H1") == 1
    assert tags.count("/H2") == 2
    for tag in ("/Document", "/P", "/L", "/LI", "/Table", "/THead", "/TBody", "/TR", "/TH"):
        assert tag in tags, tag
    assert tags.count("/TD") >= 3 * ROWS


def test_every_font_is_embedded_dejavu(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert "DejaVu" in name, name
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, name
    assert any("Bold" in name for name in fonts)


def test_logo_is_a_figure_with_the_organisation_as_alternative_text():
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 70, 140)).save(buffer, format="PNG")
    logo = image_data_url(data=buffer.getvalue(), content_type="image/png")
    pdf = render_pdf(html=render_html("<p>Kort.</p>", rows=0, logo_url=logo))
    # WeasyPrint tags the running header's content (the logo's Figure, with its /Alt)
    # through the ParentTree without linking it under /Document.
    parent_tree = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]
    marked = [node.get_object() for node in parent_tree["/Nums"][1]]
    figures = [node for node in marked if node["/S"] == "/Figure"]
    assert [figure["/Alt"] for figure in figures] == ["Nacka kommun"]
    assert len(page_texts(pdf)) == 1


def test_the_page_css_block_can_be_overridden():
    blocks = "{% block page_css %}@page { size: A5; }{% endblock %}"
    pdf = render_pdf(html=render_html("<p>Kort.</p>", rows=0, blocks=blocks))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/logo.png",
        "ftp://127.0.0.1/x.png",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file://otherhost/static/css/print.css",
        f"{(settings.BASE_DIR / 'trygghet' / 'settings.py').as_uri()}",
        "file:///static/fonts/missing.ttf",
        "data:text/html,<p>x</p>",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(ResourceRefused):
        static_url_fetcher(url)


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="http://127.0.0.1:9/x.png" alt="x">',
        '<img src="file:///etc/passwd" alt="x">',
        '<link rel="stylesheet" href="https://example.org/print.css">',
    ],
)
def test_rendering_stops_at_a_foreign_address_without_network_access(tag, no_network):
    html = render_html("<p>Kort.</p>", rows=0).replace("</main>", f"{tag}</main>")
    with pytest.raises(ResourceRefused, match="Only the project's static files"):
        render_pdf(html=html)
    assert no_network == []


def test_fetcher_reads_static_files_from_disk():
    font = static_url_fetcher("file:///static/fonts/DejaVuSans.ttf")
    assert font.content_type == "font/ttf"
    assert font.read() == (settings.BASE_DIR / "static/fonts/DejaVuSans.ttf").read_bytes()
    css = static_url_fetcher((settings.BASE_DIR / "static/css/print.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()


def test_fetcher_accepts_small_png_data_urls_only():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    url = image_data_url(data=buffer.getvalue(), content_type="image/png")
    assert static_url_fetcher(url).read() == buffer.getvalue()
    too_large = image_data_url(data=b"\0" * (3 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ResourceRefused, match="too large"):
        static_url_fetcher(too_large)
