"""Times the demo decision documents (not a test): rendering Nacka 2024, rendering the
Stockholm round with its 48-application appendix, and downloading a finalised document.

Run: .venv/bin/python bench/decision_documents.py
It builds its own throwaway SQLite database with the demo data, so it touches no other data.
`bench/scale.py` reuses `median_seconds` and `demo_document_timings` on its PostgreSQL
database.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_seconds(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def demo_documents() -> list[tuple[str, object, float]]:
    """The demo's decision documents, created with their prefilled texts if missing:
    (name, document, target seconds for data, HTML and PDF)."""
    from allocations.models import PackageYear
    from applications.models import Round
    from documents import services
    from trygghet.models import User

    def package_year(organisation: str, package: str, year: int) -> PackageYear:
        return PackageYear.objects.get(
            package__organisation__name=organisation, package__name=package, year=year
        )

    return [
        (
            "Nacka 2024 (data, HTML och PDF)",
            services.document_get_or_create(
                package_year=package_year("Nacka kommun", "Trygghetspaketet", 2024),
                by=User.objects.get(username="nacka-handlaggare"),
            ),
            1.5,
        ),
        (
            "Linköping 2021, fördelning till nämnder",
            services.document_get_or_create(
                package_year=package_year("Linköpings kommun", "Utökat trygghetsarbete", 2021),
                by=User.objects.get(username="linkoping-handlaggare"),
            ),
            1.5,
        ),
        (
            "Stockholm 2024 med bilaga (48 ansökningar)",
            services.document_get_or_create(
                round_=Round.objects.get(name="Trygghetsinvesteringar 2024"),
                by=User.objects.get(username="sthlm-handlaggare"),
            ),
            5.0,
        ),
    ]


def document_seconds(document, runs: int) -> float:
    """Median time to read a document's data and render its HTML and PDF."""
    from documents.pdf import render_pdf
    from documents.rendering import render_html

    return median_seconds(lambda: render_pdf(html=render_html(document)), runs)


def demo_document_timings(runs: int = 5) -> list[tuple[str, float, float]]:
    """(name, median seconds, target seconds) for each demo document."""
    return [
        (name, document_seconds(document, runs), target)
        for name, document, target in demo_documents()
    ]


def download_timing(runs: int = 50) -> tuple[str, float, float]:
    """Finalise Nacka 2024 and time downloading the stored PDF through its view."""
    from django.test import Client
    from django.urls import reverse

    from allocations.models import PackageYear
    from documents import services
    from trygghet.models import User

    official = User.objects.get(username="nacka-handlaggare")
    document = services.document_get_or_create(
        package_year=PackageYear.objects.get(
            package__organisation__name="Nacka kommun", package__name="Trygghetspaketet", year=2024
        ),
        by=official,
    )
    version = services.document_finalise(document=document, by=official)
    client = Client()
    client.force_login(official)
    url = reverse("documents:version-download", args=[version.pk])
    client.get(url)  # warm up

    def download():
        response = client.get(url)
        b"".join(response.streaming_content)

    return ("Nedladdning av fastställt dokument", median_seconds(download, runs), 0.05)


def print_timings(results: list[tuple[str, float, float]]) -> None:
    print(f"{'Mätning':45} {'median':>10} {'mål':>8}")
    for name, seconds, target in results:
        verdict = "ok" if seconds < target else "ÖVER MÅLET"
        print(f"{name:45} {seconds * 1000:8.0f} ms {target * 1000:6.0f} ms  {verdict}")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="trygghet-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

    import django

    django.setup()

    from django.core.management import call_command

    from trygghet.demo import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    print_timings([*demo_document_timings(), download_timing()])


if __name__ == "__main__":
    main()
