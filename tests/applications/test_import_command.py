"""`manage.py import_applications`: output, exit codes, and nothing stored on error."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from applications.models import (
    DEFAULT_CRITERIA,
    Application,
    ApplicationStatus,
    Assessment,
    Criterion,
    Round,
    RoundStatus,
)
from applications.selectors import round_summary
from applications.summary import round_summary_sentences
from tests.applications.test_import_parsing import FIXTURES, HEADER, make_stockholm
from trygghet.models import Committee, CommitteeKind, Organisation

STOCKHOLM = ("--organisation", "Stockholms stad", "--round", "Trygghetsinvesteringar 2024")


def run(*args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the command."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_applications", *map(str, args), stdout=stdout, stderr=stderr)
    except SystemExit as exit:
        return exit.code, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def stockholm(*args) -> tuple[int, str, str]:
    return run(*args, *STOCKHOLM, "--year", "2024")


def stored() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Organisation, Committee, Round, Criterion, Application, Assessment)
    )


@pytest.fixture
def round_(db):
    return make_stockholm()


@pytest.fixture
def write(tmp_path):
    """Writes a CSV file and returns its path."""

    def write(content: str) -> Path:
        path = tmp_path / f"ansokningar-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(content, encoding="utf-8")
        return path

    return write


EXAMPLE_TABLE = (
    "Rad  Nämnd                  Titel                                       Sökt  Föreslaget\n"
    "  3  Järva stadsdelsnämnd   Belysning längs gångvägen vid Rinkeby allé   2,5         2,5\n"
    "  4  Järva stadsdelsnämnd   Trygghetskameror vid Tensta centrum          1,8         0,0\n"
    "  5  Farsta stadsdelsnämnd  Röjning av buskage i Hökarängen              0,6         0,4\n"
    "  6  Trafiknämnden          Ny belysning i gångtunneln vid Skärholmen    3,2         3,2\n"
    "  7  Idrottsnämnden         Upplyst aktivitetsyta i Bredäng              1,9           –\n"
    "     Summa                                                              10,0         6,1\n"
)


def test_the_example_file_prints_the_table_the_sums_and_the_summary(round_):
    code, out, err = stockholm(FIXTURES / "ansokningar_exempel.csv")
    assert (code, err) == (0, "")
    assert out == (
        "Stockholms stad, Trygghetsinvesteringar 2024 (2024). Belopp i mnkr.\n"
        "\n"
        f"{EXAMPLE_TABLE}"
        "\n"
        "5 ansökningar om totalt 10,0 mnkr.\n"
        "3 ansökningar föreslås beviljas medel om totalt 6,1 mnkr.\n"
        "Sparat: 5 nya ansökningar, 0 uppdaterade ansökningar och 4 bedömningar.\n"
    )
    applications = Application.objects.filter(round=round_).order_by("pk")
    assert [
        (a.committee.name, a.title, a.place, a.applied_amount, a.status) for a in applications
    ] == [
        ("Järva stadsdelsnämnd", "Belysning längs gångvägen vid Rinkeby allé", "Rinkeby allé",
         2_500_000, ApplicationStatus.SUBMITTED),
        ("Järva stadsdelsnämnd", "Trygghetskameror vid Tensta centrum", "Tensta centrum",
         1_800_000, ApplicationStatus.SUBMITTED),
        ("Farsta stadsdelsnämnd", "Röjning av buskage i Hökarängen", "Hökarängsplan",
         600_000, ApplicationStatus.SUBMITTED),
        ("Trafiknämnden", "Ny belysning i gångtunneln vid Skärholmen", "Skärholmsvägen",
         3_200_000, ApplicationStatus.SUBMITTED),
        ("Idrottsnämnden", "Upplyst aktivitetsyta i Bredäng", "Bredängs bollplan",
         1_900_000, ApplicationStatus.SUBMITTED),
    ]  # fmt: skip
    assert all(application.submitted_at is not None for application in applications)
    assert [
        application.focus_area.name if application.focus_area else None
        for application in applications
    ] == [
        "Stadens offentliga miljö",
        None,
        "Stadens offentliga miljö",
        "Stadsutveckling",
        "Förebyggande arbete",
    ]
    assessments = Assessment.objects.order_by("application__pk")
    assert [(a.proposed_amount, a.motivation, a.assessor) for a in assessments] == [
        (2_500_000, "", None),
        (0, "Problembeskrivningen saknar dokumenterad otrygghet på platsen.", None),
        (400_000, "Kostnaden för skyltning bedöms inte rimlig.", None),
        (3_200_000, "", None),
    ]
    assert all(assessment.assessed_at is not None for assessment in assessments)


def test_the_xlsx_with_other_column_order_stores_the_same(round_):
    code, out, _ = stockholm(FIXTURES / "ansokningar_exempel.xlsx")
    assert code == 0
    assert EXAMPLE_TABLE in out
    assert sorted(Application.objects.values_list("applied_amount", flat=True)) == [
        600_000, 1_800_000, 1_900_000, 2_500_000, 3_200_000
    ]  # fmt: skip
    assert sorted(Assessment.objects.values_list("proposed_amount", flat=True)) == [
        0, 400_000, 2_500_000, 3_200_000
    ]  # fmt: skip


def test_importing_again_updates_instead_of_duplicating(round_, write):
    assert stockholm(FIXTURES / "ansokningar_exempel.csv")[0] == 0
    first = Application.objects.get(title="Upplyst aktivitetsyta i Bredäng")
    content = (
        HEADER + "Idrottsnämnden;upplyst aktivitetsyta i Bredäng;Bredängs bollplan;;2,0;1,5;"
        "Belysningen räcker för halva planen.\n"
    )
    code, out, _ = stockholm(write(content))
    assert code == 0
    assert "1 ansökan finns redan i omgången och uppdateras.\n" in out
    assert (
        "Omgången har 4 ansökningar som inte finns i filen; de lämnas orörda och räknas med i "
        "summeringen.\n" in out
    )
    assert "  2  Idrottsnämnden  upplyst aktivitetsyta i Bredäng *   2,0         1,5\n" in out
    assert "* finns redan i omgången och uppdateras\n" in out
    # The whole round: 2,5 + 1,8 + 0,6 + 3,2 + 2,0 applied; 2,5 + 0,4 + 3,2 + 1,5 proposed.
    assert "5 ansökningar om totalt 10,1 mnkr.\n" in out
    assert "4 ansökningar föreslås beviljas medel om totalt 7,6 mnkr.\n" in out
    assert out.endswith("Sparat: 0 nya ansökningar, 1 uppdaterad ansökan och 1 bedömning.\n")
    assert Application.objects.count() == 5
    updated = Application.objects.get(pk=first.pk)
    assert (updated.applied_amount, updated.focus_area, updated.submitted_at) == (
        2_000_000, None, first.submitted_at
    )  # fmt: skip
    assert (updated.assessment.proposed_amount, updated.assessment.motivation) == (
        1_500_000, "Belysningen räcker för halva planen."
    )  # fmt: skip


def test_create_makes_the_organisation_round_and_committees(db, write):
    content = (
        HEADER
        + "Spånga-Tensta stadsdelsnämnd;Belysning i Tensta allé;Tensta allé;;2 500 tkr;2 500 tkr;\n"
        + "Trafiknämnden;Ny gångtunnel;Skärholmen;;3,2;0;Ingen dokumenterad otrygghet.\n"
        + "trafiknämnden;Röjning;Kärrtorp;;0,4;0,4;\n"
    )
    code, out, err = run(
        write(content),
        *STOCKHOLM,
        "--year",
        "2024",
        "--frame",
        "60100000",
        "--create",
    )
    assert (code, err) == (0, "")
    assert out == (
        "Stockholms stad, Trygghetsinvesteringar 2024 (2024). Belopp i mkr.\n"
        "Ny organisation: Stockholms stad.\n"
        "Ny omgång: Trygghetsinvesteringar 2024 (2024) med ramen 60,1 mkr.\n"
        "Nya nämnder: Spånga-Tensta stadsdelsnämnd (stadsdelsnämnd), Trafiknämnden (facknämnd).\n"
        "\n"
        "Rad  Nämnd                         Titel                    Sökt  Föreslaget\n"
        "  2  Spånga-Tensta stadsdelsnämnd  Belysning i Tensta allé   2,5         2,5\n"
        "  3  Trafiknämnden                 Ny gångtunnel             3,2         0,0\n"
        "  4  trafiknämnden                 Röjning                   0,4         0,4\n"
        "     Summa                                                   6,1         2,9\n"
        "\n"
        "3 ansökningar om totalt 6,1 mkr.\n"
        "2 ansökningar föreslås beviljas medel om totalt 2,9 mkr.\n"
        "Sparat: 3 nya ansökningar, 0 uppdaterade ansökningar, 3 bedömningar och 2 nya nämnder.\n"
    )
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2024")
    assert (
        round_.organisation.name,
        round_.organisation.amount_unit,
        round_.year,
        round_.frame,
        round_.status,
        round_.opens_on,
        round_.closes_on,
    ) == (
        "Stockholms stad",
        "mkr",
        2024,
        60_100_000,
        RoundStatus.ASSESSMENT,
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    assert list(round_.criteria.values_list("text", flat=True)) == DEFAULT_CRITERIA
    assert dict(Committee.objects.values_list("name", "kind")) == {
        "Spånga-Tensta stadsdelsnämnd": CommitteeKind.STADSDELSNAMND,
        "Trafiknämnden": CommitteeKind.FACKNAMND,
    }
    assert Application.objects.filter(committee__name="Trafiknämnden").count() == 2


def test_create_adds_a_missing_committee_to_an_existing_organisation(round_):
    code, out, _ = stockholm(FIXTURES / "ansokningar_okand_namnd.csv", "--create")
    assert code == 0
    assert "Nya nämnder: Gröna nämnden (facknämnd).\n" in out
    committee = Committee.objects.get(name="Gröna nämnden")
    assert (committee.organisation, committee.kind) == (round_.organisation, "facknamnd")
    assert committee.applications.get().applied_amount == 800_000


def test_creating_a_round_needs_a_frame(db):
    code, out, err = run(
        FIXTURES / "ansokningar_exempel.csv", *STOCKHOLM, "--year", "2024", "--create"
    )
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "Fel: Omgången ”Trygghetsinvesteringar 2024” finns inte och har ingen ram. Ange ramen i "
        "kronor med --frame BELOPP, till exempel --frame 60100000."
    )
    assert stored() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "ansokningar_fel_belopp.csv",
            "Fel: Rad 4, kolumn ”Sökt belopp”: ”3,2,0” är inte ett belopp. Skriv till exempel "
            "1,6 eller 1 600 tkr.\n",
        ),
        (
            "ansokningar_okand_namnd.csv",
            "Fel: Rad 3, kolumn ”Nämnd”: ”Gröna nämnden” matchar ingen nämnd hos Stockholms "
            "stad. Använd --create för att skapa nämnden.\n",
        ),
        (
            "ansokningar_saknad_motivering.csv",
            "Fel: Rad 3, kolumn ”Motivering”: Skriv en motivering när beloppet sänks eller är "
            "noll.\n",
        ),
        (
            "ansokningar_fel_summa.csv",
            "Fel: Rad 5, kolumn ”Sökt belopp”: Summa-raden 25,0 stämmer inte med radernas summa "
            "23,0.\n",
        ),
    ],
)
def test_a_bad_file_exits_1_naming_row_and_column_and_stores_nothing(round_, name, message):
    before = stored()
    code, out, err = stockholm(FIXTURES / name)
    assert (code, out) == (1, "")
    assert err == f"{message}Inget har sparats.\n"
    assert stored() == before


def test_a_decided_round_is_refused(db):
    make_stockholm(status=RoundStatus.DECIDED)
    before = stored()
    code, _, err = stockholm(FIXTURES / "ansokningar_exempel.csv")
    assert code == 1
    assert err == (
        "Fel: Trygghetsinvesteringar 2024 är beslutad och kan inte ändras.\nInget har sparats.\n"
    )
    assert stored() == before


def test_a_dry_run_prints_the_same_and_stores_nothing(round_):
    before = stored()
    code, out, _ = stockholm(FIXTURES / "ansokningar_exempel.csv", "--dry-run")
    assert code == 0
    assert EXAMPLE_TABLE in out
    assert "3 ansökningar föreslås beviljas medel om totalt 6,1 mnkr.\n" in out
    assert out.endswith(
        "Provkörning, inget har sparats. Importen skulle ge 5 nya ansökningar, 0 uppdaterade "
        "ansökningar och 4 bedömningar.\n"
    )
    assert stored() == before


def test_a_dry_run_with_create_stores_nothing_either(db, write):
    code, out, _ = run(
        write(HEADER + "Trafiknämnden;Ljus;Torget;;1;1;\n"),
        *("--organisation", "Solna stad", "--round", "Omgång 2025", "--year", "2025"),
        *("--frame", "5 mkr", "--create", "--dry-run"),
    )
    assert code == 0
    assert "Ny omgång: Omgång 2025 (2025) med ramen 5,0 mkr.\n" in out
    assert out.endswith(
        "Provkörning, inget har sparats. Importen skulle ge 1 ny ansökan, 0 uppdaterade "
        "ansökningar, 1 bedömning och 1 ny nämnd.\n"
    )
    assert stored() == (0, 0, 0, 0, 0, 0)


def test_a_frame_for_an_existing_round_changes_it(round_, write):
    code, out, _ = stockholm(
        write(HEADER + "Trafiknämnden;Ljus;Torget;;1;1;\n"), "--frame", "61,0 mkr"
    )
    assert code == 0
    assert "Ramen för Trygghetsinvesteringar 2024 ändras från 60,1 mnkr till 61,0 mnkr.\n" in out
    round_.refresh_from_db()
    assert round_.frame == 61_000_000


def test_proposals_over_the_frame_are_stored_with_a_warning(round_):
    Round.objects.filter(pk=round_.pk).update(frame=6_000_000)
    code, out, _ = stockholm(FIXTURES / "ansokningar_exempel.csv")
    assert code == 0
    assert (
        "Varning: Föreslagna belopp: Summan 6,1 mnkr överskrider ramen 6,0 mnkr med 0,1 mnkr.\n"
        in out
    )
    assert Assessment.objects.count() == 4


def test_unit_option_reads_bare_numbers_in_tkr(round_, write):
    code, out, _ = stockholm(
        write(HEADER + "Trafiknämnden;Ljus;Torget;;1 800;1 200;Sänkt.\n"), "--unit", "tkr"
    )
    assert code == 0
    assert "  2  Trafiknämnden  Ljus    1,8         1,2\n" in out
    application = Application.objects.get()
    assert (application.applied_amount, application.assessment.proposed_amount) == (
        1_800_000, 1_200_000
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--organisation", "Värmdö kommun", "--round", "Omgång", "--year", "2024"],
            "Fel: Organisationen ”Värmdö kommun” finns inte. Använd --create för att skapa den.",
        ),
        (
            ["--organisation", "Stockholms stad", "--round", "Omgång 2030", "--year", "2030"],
            "Fel: Omgången ”Omgång 2030” finns inte hos Stockholms stad. Använd --create för att "
            "skapa den.",
        ),
        (
            [*STOCKHOLM, "--year", "2025"],
            "Fel: Omgången ”Trygghetsinvesteringar 2024” gäller 2024, inte 2025.",
        ),
        (
            [*STOCKHOLM, "--year", "24"],
            "Fel: --year 24: skriv året med fyra siffror, till exempel 2024.",
        ),
        (
            [*STOCKHOLM, "--year", "2024", "--frame", "sex miljoner"],
            "Fel: --frame sex miljoner: ”sex miljoner” är inte ett belopp. Skriv till exempel 1,6 "
            "eller 1 600 tkr.",
        ),
    ],
)
def test_wrong_arguments_exit_1_with_a_swedish_message(round_, args, message):
    code, _, err = run(FIXTURES / "ansokningar_exempel.csv", *args)
    assert code == 1
    assert err.splitlines() == [message, "Inget har sparats."]


def test_a_file_that_is_no_table_or_missing_exits_1(round_):
    code, _, err = stockholm(FIXTURES / "inte_en_tabell.pdf")
    assert code == 1
    assert err.startswith("Fel: Filen är en PDF.")
    code, _, err = stockholm(FIXTURES / "finns_inte.csv")
    assert code == 1
    assert err.startswith("Fel: Filen ")
    assert err.endswith("kan inte läsas (No such file or directory).\nInget har sparats.\n")


def test_the_printed_summary_is_what_the_round_overview_says(round_, write):
    Application.objects.create(
        round=round_,
        committee=round_.organisation.committees.get(name="Trafiknämnden"),
        title="Inskickad tidigare",
        place="Slussen",
        applied_amount=1_000_000,
        status=ApplicationStatus.SUBMITTED,
    )
    code, out, _ = stockholm(FIXTURES / "ansokningar_exempel.csv")
    assert code == 0
    summary = round_summary(round_=round_)
    sentences = round_summary_sentences(
        application_count=summary.application_count,
        applied_total=summary.applied_total,
        proposed_count=summary.proposed_count,
        proposed_total=summary.proposed_total,
        unit="mnkr",
    )
    assert [sentence.replace("\u00a0", " ") for sentence in sentences] == [
        "6 ansökningar om totalt 11,0 mnkr.",
        "3 ansökningar föreslås beviljas medel om totalt 6,1 mnkr.",
    ]
    assert "\n6 ansökningar om totalt 11,0 mnkr.\n3 ansökningar föreslås beviljas" in out
