"""Exports neutralise formulas and keep numbers as numbers; names are escaped everywhere."""

import csv
import io

from django.urls import reverse

from allocations.models import BudgetLine
from tests.allocations.helpers import nacka, xlsx_rows

HOSTILE = '=HYPERLINK("http://evil.example","klicka")'


def test_formula_cells_are_neutralised_and_negative_numbers_survive(client, demo):
    package = nacka(client)
    BudgetLine.objects.filter(package=package, name="Trygghetsvärdar").update(name=HOSTILE)
    BudgetLine.objects.filter(package=package, name="Stöd till lokala arbetsgrupper").update(
        name="-1 mkr till stöd"
    )
    # The year table shows each line's current name in 2024; drop the label history
    BudgetLine.objects.get(name=HOSTILE).labels.all().delete()
    url = reverse("allocations:year-export", args=[package.pk, 2024, "ar", "xlsx"])
    rows = xlsx_rows(client.get(url).content)
    names = [row[0] for row in rows]
    assert "'" + HOSTILE in names
    assert "'-1 mkr till stöd" in names
    changes = [row[4] for row in rows[1:-1]]
    assert -300_000 in changes  # Stöd: 0,6 − 0,9, a real negative number
    text = client.get(
        reverse("allocations:year-export", args=[package.pk, 2024, "ar", "csv"])
    ).content.decode()
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert any(line[0] == "'" + HOSTILE for line in lines)
    assert any(line[4] == "-300000" for line in lines)


def test_a_script_in_a_name_is_shown_as_text(client, demo):
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Trygghetsvärdar")
    line.labels.all().delete()
    line.name = "<script>alert(1)</script>"
    line.save()
    for url in [
        reverse("allocations:year-detail", args=[package.pk, 2024]),
        reverse("allocations:package-detail", args=[package.pk]),
        reverse("allocations:multi-year", args=[package.pk]),
        reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"]),
        reverse("allocations:lines", args=[package.pk, 2024]),
    ]:
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
