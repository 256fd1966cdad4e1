"""`manage.py import_allocations`: output, exit codes, and nothing stored on error."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum

from allocations.models import Amount, AmountKind, BudgetLine, Package, PackageYear
from trygghet.models import Organisation

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "import"
MKR = 1_000_000


def run(*args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the command."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_allocations", *map(str, args), stdout=stdout, stderr=stderr)
    except SystemExit as exit:
        return exit.code, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def nacka(*args) -> tuple[int, str, str]:
    return run(*args, "--organisation", "Nacka kommun", "--package", "Trygghetspaketet")


def stored() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Organisation, Package, PackageYear, BudgetLine, Amount)
    )


@pytest.fixture
def write(tmp_path):
    """Writes a CSV file and returns its path."""

    def write(content: str) -> Path:
        path = tmp_path / f"tabell-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(content, encoding="utf-8")
        return path

    return write


def total(year: int, kind: str) -> int:
    return Amount.objects.filter(year=year, kind=kind).aggregate(total=Sum("amount"))["total"]


def test_creating_nacka_from_the_2024_table_prints_the_table_and_the_sums(db):
    code, out, err = nacka(FIXTURES / "nacka_2024.csv", "--create")
    assert (code, err) == (0, "")
    assert out == (
        "Nacka kommun, Trygghetspaketet. Belopp i mkr.\n"
        "Nytt år 2023 med ramen 5,0 mkr (summaraden i kolumnen ”Budget 2023”).\n"
        "Nytt år 2024 med ramen 5,0 mkr (summaraden i kolumnen ”Förslag 2024”).\n"
        "Nya budgetposter: Trygghetsvärdar, SSPF (skola, socialtjänst, polis, fritid), "
        "Stöd till lokala arbetsgrupper, Kameraövervakning – centrala funktioner, "
        "Insatser i samverkan med lokala aktörer, Övriga insatser.\n"
        "\n"
        "Rad  Budgetpost                                   Förslag 2024  Utfall 2023  Budget 2023\n"
        "  2  Trygghetsvärdar *                                     1,6          1,2          1,4\n"
        "  3  SSPF (skola, socialtjänst, polis, fritid) *           1,5          1,6          1,5\n"
        "  4  Stöd till lokala arbetsgrupper *                      0,6          0,6          0,9\n"
        "  5  Kameraövervakning – centrala funktioner *             0,1          0,0          0,2\n"
        "  6  Insatser i samverkan med lokala aktörer *             1,1          0,8          0,4\n"
        "  7  Övriga insatser *                                     0,1         0,09          0,6\n"
        "     Summa                                                 5,0         4,29          5,0\n"
        "     Ram                                                   5,0          5,0          5,0\n"
        "* ny budgetpost\n"
        "\n"
        "Sparat: 18 nya belopp, 0 ändrade belopp, 6 nya budgetposter och 2 nya år.\n"
    )
    assert total(2024, AmountKind.PROPOSAL) == 5 * MKR
    assert total(2023, AmountKind.OUTCOME) == 4_290_000
    assert total(2023, AmountKind.BUDGET) == 5 * MKR


def test_the_2022_table_as_xlsx_adds_the_earlier_years(db):
    assert nacka(FIXTURES / "nacka_2024.xlsx", "--create")[0] == 0
    code, out, _ = nacka(FIXTURES / "nacka_2022.xlsx", "--create")
    assert code == 0
    assert "  4  Ambulerande Trygghetsvärdar *               0,0   0,8   0,3\n" in out
    assert "     Summa                                       5,0   5,0   5,0\n" in out
    for year in (2022, 2021, 2020):
        assert total(year, AmountKind.BUDGET) == 5 * MKR
    assert BudgetLine.objects.count() == 8


def test_a_bad_amount_exits_1_naming_row_and_column_and_stores_nothing(db):
    code, out, err = nacka(FIXTURES / "fel_belopp.csv", "--create")
    assert code == 1
    assert out == ""
    assert err == (
        "Fel: Rad 4, kolumn ”Förslag 2024”: ”1,6,0” är inte ett belopp. "
        "Skriv till exempel 1,6 eller 1 600 tkr.\n"
        "Inget har sparats.\n"
    )
    assert stored() == (0, 0, 0, 0, 0)


def test_a_summa_row_that_disagrees_is_an_error(db):
    code, _, err = nacka(FIXTURES / "fel_summa.csv", "--create")
    assert code == 1
    assert (
        "Fel: Rad 5, kolumn ”Förslag 2025”: Summa-raden 25,0 stämmer inte med radernas summa 23,0."
        in err
    )
    assert stored() == (0, 0, 0, 0, 0)


def test_a_column_over_its_frame_is_stored_with_a_warning(demo):
    code, out, _ = nacka(FIXTURES / "over_ramen.csv")
    assert code == 0
    assert (
        "Varning: Kolumnen ”Förslag 2024”: Summan 5,2 mkr överskrider ramen 5,0 mkr med 0,2 mkr.\n"
        in out
    )
    assert "Sparat: 0 nya belopp, 1 ändrat belopp och 5 oförändrade belopp.\n" in out
    assert total(2024, AmountKind.PROPOSAL) == 5_200_000


def test_a_dry_run_prints_the_same_and_stores_nothing(demo):
    before = stored()
    code, out, _ = nacka(FIXTURES / "over_ramen.csv", "--dry-run")
    assert code == 0
    assert "Varning: Kolumnen ”Förslag 2024”" in out
    assert out.endswith(
        "Provkörning, inget har sparats. Importen skulle ge 0 nya belopp, 1 ändrat belopp och "
        "5 oförändrade belopp.\n"
    )
    assert stored() == before
    assert total(2024, AmountKind.PROPOSAL) == 5 * MKR


def test_changing_a_decided_year_is_refused_naming_the_year(demo, write):
    content = (
        (FIXTURES / "nacka_2022.csv")
        .read_text()
        .replace("• SSPF;1,5;1,5;1,5", "• SSPF;1,5;1,4;1,5")
    )
    content = content.replace(
        "Summa miljoner kronor;5,0;5,0;5,0", "Summa miljoner kronor;5,0;4,9;5,0"
    )
    path = write(content)
    before = stored()
    code, _, err = nacka(path)
    assert code == 1
    assert err == (
        "Fel: Rad 5, kolumn ”2021”: Trygghetspaketet 2021 är beslutat och kan inte ändras.\n"
        "Inget har sparats.\n"
    )
    assert stored() == before


def test_a_missing_year_needs_a_frame_or_create(demo, write):
    path = write("Budgetpost;Förslag 2025\nTrygghetsvärdar;1,6\nSSPF;1,5\n")
    code, _, err = nacka(path)
    assert code == 1
    assert err == (
        "Fel: Rad 1, kolumn ”Förslag 2025”: året 2025 finns inte i Trygghetspaketet och har "
        "ingen ram. Ange ramen med --frame 2025=BELOPP eller använd --create.\n"
        "Inget har sparats.\n"
    )
    code, out, _ = nacka(path, "--frame", "2025=5000000")
    assert code == 0
    assert "Nytt år 2025 med ramen 5,0 mkr (angiven ram).\n" in out
    year = PackageYear.objects.get(package__name="Trygghetspaketet", year=2025)
    assert (year.frame, year.status) == (5 * MKR, "utkast")
    assert total(2025, AmountKind.PROPOSAL) == 3_100_000


def test_unknown_names_need_create(demo, write):
    code, _, err = nacka(write("Budgetpost;Förslag 2024\nNattvandring;0,1\n"))
    assert code == 1
    assert err.startswith(
        "Fel: Rad 2, kolumn ”Budgetpost”: ”Nattvandring” matchar ingen budgetpost i "
        "Trygghetspaketet. Använd --create för att skapa budgetposten.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--organisation", "Värmdö kommun", "--package", "Trygghetspaketet"],
            "Fel: Organisationen ”Värmdö kommun” finns inte. Använd --create för att skapa den.",
        ),
        (
            ["--organisation", "Nacka kommun", "--package", "Paket 2030"],
            "Fel: Paketet ”Paket 2030” finns inte hos Nacka kommun. Använd --create för att "
            "skapa det.",
        ),
        (
            ["--organisation", "Nacka kommun", "--package", "Trygghetspaketet", "--frame", "2024"],
            "Fel: --frame 2024: skriv ÅR=BELOPP i kronor, till exempel 2024=5000000.",
        ),
    ],
)
def test_wrong_arguments_exit_1_with_a_swedish_message(demo, args, message):
    code, _, err = run(FIXTURES / "nacka_2024.csv", *args)
    assert code == 1
    assert err.splitlines()[0] == message


def test_a_file_that_is_no_table_exits_1(demo):
    code, _, err = nacka(FIXTURES / "inte_en_tabell.pdf")
    assert code == 1
    assert err.startswith("Fel: Filen är en PDF.")
    code, _, err = nacka(FIXTURES / "finns_inte.csv")
    assert code == 1
    assert err.startswith("Fel: Filen ")


def test_unit_option_reads_bare_numbers_in_tkr(demo, write):
    code, out, _ = nacka(write("Budgetpost;Förslag 2024\nTrygghetsvärdar;1 800\n"), "--unit", "tkr")
    assert code == 0
    assert (
        "Förslaget för 2024 ändras, så året blir utkast igen. Markera det som förslag när "
        "summan stämmer med ramen.\n" in out
    )
    table = out.splitlines()[3:]
    assert table[1].split() == ["2", "Trygghetsvärdar", "1,8"]
    # The lines the file leaves alone are part of the resulting table and its sum.
    assert table[2].startswith(
        "     SSPF (skola, socialtjänst, polis, fritid) (finns inte i filen)"
    )
    assert table[2].endswith(" 1,5")
    assert table[7].split() == ["Summa", "5,2"]
    assert (
        Amount.objects.get(line__name="Trygghetsvärdar", year=2024, kind=AmountKind.PROPOSAL).amount
        == 1_800_000
    )
