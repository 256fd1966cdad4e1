"""Times the demo decision documents (not a test): rendering Nacka 2024, rendering the
Stockholm round with its 48-application appendix, and downloading a finalised document.

Run: .venv/bin/python bench/decision_documents.py
It builds its own throwaway SQLite database with the demo data, so it touches no other data.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = Path(tempfile.mkdtemp(prefix="trygghet-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402  (after the environment is set)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from allocations.models import PackageYear  # noqa: E402
from applications.models import Round  # noqa: E402
from documents import services  # noqa: E402
from documents.pdf import render_pdf  # noqa: E402
from documents.rendering import render_html  # noqa: E402
from trygghet.demo import demo_load  # noqa: E402
from trygghet.models import User  # noqa: E402


def median_seconds(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    demo_load()
    official = User.objects.get(username="nacka-handlaggare")
    nacka = services.document_get_or_create(
        package_year=PackageYear.objects.get(package__name="Trygghetspaketet", year=2024),
        by=official,
    )
    stockholm = services.document_get_or_create(
        round_=Round.objects.get(name="Trygghetsinvesteringar 2024"),
        by=User.objects.get(username="sthlm-handlaggare"),
    )
    results = [
        (
            "Nacka 2024 (data, HTML och PDF)",
            median_seconds(lambda: render_pdf(html=render_html(nacka)), 5),
            1.5,
        ),
        (
            "Stockholm 2024 med bilaga (48 ansökningar)",
            median_seconds(lambda: render_pdf(html=render_html(stockholm)), 5),
            5.0,
        ),
    ]
    version = services.document_finalise(document=nacka, by=official)
    client = Client()
    client.force_login(official)
    url = reverse("documents:version-download", args=[version.pk])
    client.get(url)  # warm up

    def download():
        response = client.get(url)
        b"".join(response.streaming_content)

    results.append(("Nedladdning av fastställt dokument", median_seconds(download, 50), 0.05))
    print(f"{'Mätning':45} {'median':>10} {'mål':>8}")
    for name, seconds, target in results:
        verdict = "ok" if seconds < target else "ÖVER MÅLET"
        print(f"{name:45} {seconds * 1000:8.0f} ms {target * 1000:6.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
