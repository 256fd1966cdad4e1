"""Times `documents.pdf.render_pdf` on synthetic decision documents (not a test).

Run: .venv/bin/python bench/render_documents.py
"""

import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.template import Context, Template  # noqa: E402

from documents.pdf import render_pdf  # noqa: E402

RUNS = 5

PARAGRAPH = (
    "<p>Kommunfullmäktige har beslutat att avsätta 5 mkr för 2024 till trygghetspaketet. "
    "I förslaget till fördelning finns en fortsatt satsning på trygghetsvärdar i Orminge "
    "och Fisksätra. Arbetet inom ramen för SSPF (skola, socialtjänst, polis, fritid) "
    "fortsätter, liksom stödet till de lokala arbetsgrupperna.</p>"
)

CONTENT = """
<h2>Förslag till beslut</h2>
<ol><li>Kommunstyrelsen beslutar om fördelning av medel för 2024 års trygghetspaket.</li></ol>
<h2>Sammanfattning</h2>
{{ paragraphs }}
<table>
  <caption>Trygghetspaketet 2024 (fördelning av medel)</caption>
  <thead><tr><th scope="col">Insats</th><th scope="col">Mottagare</th>
    <th scope="col" class="amount">Förslag 2024</th>
    <th scope="col" class="amount">Utfall 2023</th></tr></thead>
  <tbody>{% for n in rows %}<tr><th scope="row">Insats {{ n }}</th>
    <td>Nämnd {{ n }}</td><td class="amount">0,05</td><td class="amount">0,04</td>
  </tr>{% endfor %}</tbody>
  <tfoot><tr><th scope="row">SUMMA</th><td></td><td class="amount">5,0</td>
    <td class="amount">4,29</td></tr></tfoot>
</table>
<h2>Ekonomiska konsekvenser</h2>
{{ paragraphs }}
"""


def synthetic_html(*, rows: int, paragraphs: int) -> str:
    document = SimpleNamespace(
        organisation=SimpleNamespace(name="Nacka kommun"),
        logo_url="",
        document_type="TJÄNSTESKRIVELSE",
        date=datetime.date(2024, 3, 25),
        reference="KFKS-2024-00430",
        title="Trygghetspaketet 2024",
        author="Anna Andersson",
        subject="Fördelning av trygghetspaketets medel 2024",
        address_lines=["POSTADRESS Nacka kommun, 131 81 Nacka"],
    )
    source = '{% extends "documents/print_base.html" %}{% block content %}'
    source += CONTENT.replace("{{ paragraphs }}", "{{ paragraphs|safe }}") + "{% endblock %}"
    context = {"document": document, "rows": range(1, rows + 1)}
    context["paragraphs"] = PARAGRAPH * paragraphs
    return Template(source).render(Context(context))


def bench(name: str, html: str) -> None:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = render_pdf(html=html)
        timings.append(time.perf_counter() - start)
    print(
        f"{name:<26} {page_count(pdf)} pages, {len(pdf) // 1024} KiB:"
        f" median {statistics.median(timings) * 1000:.0f} ms of {RUNS} runs"
        f" (min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f})"
    )


def page_count(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader  # a dev dependency
    except ImportError:
        return "?"
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


def main() -> None:
    bench("short (12-row table)", synthetic_html(rows=12, paragraphs=5))
    bench("long (100-row table)", synthetic_html(rows=100, paragraphs=12))


if __name__ == "__main__":
    main()
