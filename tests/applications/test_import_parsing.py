"""Reading application tables: headers, amounts, the Summa row, matching and the rules."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from applications.imports import (
    build_preview,
    committee_kind,
    parse_applications,
    preview_file,
)
from applications.models import Application, ApplicationStatus, Assessment, Round, RoundStatus
from tests.conftest import make_committee, make_organisation
from trygghet.imports.flow import ImportTarget
from trygghet.imports.reader import read_table
from trygghet.models import CommitteeKind, FocusArea, Programme

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "import"
NBSP = "\u00a0"
HEADER = "Nämnd;Titel;Plats;Fokusområde;Sökt belopp;Föreslaget belopp;Motivering\n"
COLUMNS_HINT = (
    "Filen ska ha kolumnerna Nämnd, Titel, Plats, Fokusområde och Sökt belopp, och kan ha "
    "Föreslaget belopp och Motivering."
)


def make_stockholm(*, status=RoundStatus.ASSESSMENT) -> Round:
    """Stockholms stad (amounts in mnkr) with the committees of the fixture files, its
    trygghetsprogram 2024–2027 and an empty round Trygghetsinvesteringar 2024."""
    organisation = make_organisation(name="Stockholms stad", amount_unit="mnkr")
    for name, kind in (
        ("Järva stadsdelsnämnd", CommitteeKind.STADSDELSNAMND),
        ("Farsta stadsdelsnämnd", CommitteeKind.STADSDELSNAMND),
        ("Trafiknämnden", CommitteeKind.FACKNAMND),
        ("Idrottsnämnden", CommitteeKind.FACKNAMND),
    ):
        make_committee(organisation, name=name, kind=kind)
    programme = Programme.objects.create(
        organisation=organisation,
        name="Stockholms stads trygghetsprogram 2024–2027",
        first_year=2024,
        last_year=2027,
    )
    for order, name in enumerate(
        [
            "Förebyggande arbete",
            "Riktade sociala insatser",
            "Stadens offentliga miljö",
            "Stadsutveckling",
        ],
        start=1,
    ):
        FocusArea.objects.create(programme=programme, name=name, order=order)
    return Round.objects.create(
        organisation=organisation,
        name="Trygghetsinvesteringar 2024",
        year=2024,
        frame=60_100_000,
        opens_on=datetime.date(2024, 1, 1),
        closes_on=datetime.date(2024, 12, 31),
        status=status,
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(content: bytes | str, unit: str = "mkr"):
    if isinstance(content, str):
        content = content.encode()
    return parse_applications(read_table(content), unit=unit)


def preview(round_: Round, content: bytes | str, *, unit: str = "mkr", **options):
    if isinstance(content, str):
        content = content.encode()
    return preview_file(content=content, unit=unit, target=ImportTarget.of(round_), **options)


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def stockholm(db):
    return make_stockholm()


# Reading the table


@pytest.mark.parametrize("name", ["ansokningar_exempel.csv", "ansokningar_exempel.xlsx"])
def test_reads_the_example_file_with_a_title_row_in_any_column_order(name):
    table = parse(fixture(name))
    assert table.problems == []
    assert table.header_row == 2  # the title row above the headers is skipped
    assert [
        (row.number, row.committee_name.casefold(), row.title, row.applied, row.proposed)
        for row in table.rows
    ] == [
        (3, "järva stadsdelsnämnd", "Belysning längs gångvägen vid Rinkeby allé",
         2_500_000, 2_500_000),
        (4, "järva stadsdelsnämnd", "Trygghetskameror vid Tensta centrum", 1_800_000, 0),
        (5, "farsta stadsdelsnämnd", "Röjning av buskage i Hökarängen", 600_000, 400_000),
        (6, "trafiknämnden", "Ny belysning i gångtunneln vid Skärholmen", 3_200_000, 3_200_000),
        (7, "idrottsnämnden", "Upplyst aktivitetsyta i Bredäng", 1_900_000, None),
    ]  # fmt: skip
    assert table.rows[1].motivation == (
        "Problembeskrivningen saknar dokumenterad otrygghet på platsen."
    )
    assert (table.sum_row.number, table.sum_row.applied, table.sum_row.proposed) == (
        8, 10_000_000, 6_100_000
    )  # fmt: skip


def test_headers_are_matched_ignoring_case_and_spacing():
    table = parse(
        "  SÖKT   BELOPP ;nämnd;titel;PLATS;fokusområde\n2,5;Trafiknämnden;Ljus;Torget;\n"
    )
    assert table.problems == []
    assert table.rows[0].applied == 2_500_000
    assert table.label("applied") == "”SÖKT BELOPP”"


def test_a_missing_required_column_is_named():
    table = parse("Nämnd;Titel;Fokusområde\nTrafiknämnden;Ljus;\n")
    assert messages(table.problems) == [
        f"Rad 1: Kolumnen ”Plats” saknas. {COLUMNS_HINT}",
        f"Rad 1: Kolumnen ”Sökt belopp” saknas. {COLUMNS_HINT}",
    ]


def test_an_unknown_or_repeated_header_and_a_column_without_header_are_errors():
    table = parse(
        "Nämnd;Titel;Plats;Fokusområde;Sökt belopp;Föreslagen summa;titel;\n"
        "Trafiknämnden;Ljus;Torget;;1;1;Ljus;x\n"
    )
    assert messages(table.problems) == [
        f"Rad 1, kolumn ”Föreslagen summa”: Rubriken känns inte igen. {COLUMNS_HINT}",
        "Rad 1, kolumn ”titel”: Samma rubrik som kolumnen ”Titel”.",
        "Rad 1, kolumn H: Kolumnen har innehåll men ingen rubrik.",
    ]


def test_a_file_without_the_header_row():
    table = parse("Trafiknämnden;Ljus;Torget;;1\n")
    assert messages(table.problems) == [f"Rad 1: Rubrikraden saknas. {COLUMNS_HINT}"]


def test_a_bad_amount_is_named_by_row_and_column():
    table = parse(fixture("ansokningar_fel_belopp.csv"))
    assert messages(table.problems) == [
        "Rad 4, kolumn ”Sökt belopp”: ”3,2,0” är inte ett belopp. Skriv till exempel 1,6 eller "
        "1 600 tkr."
    ]
    assert table.rows[2].invalid == {"applied": "3,2,0"}


def test_missing_texts_and_amounts_are_errors():
    table = parse(HEADER + ";;;;;;\nTrafiknämnden;;;;;;\n;Ljus;Torget;;1;;\n")
    assert messages(table.problems) == [
        "Rad 3, kolumn ”Sökt belopp”: Ange ett belopp.",
        "Rad 3, kolumn ”Titel”: Titeln saknas.",
        "Rad 3, kolumn ”Plats”: Platsen saknas.",
        "Rad 4, kolumn ”Nämnd”: Nämnden saknas.",
    ]


def test_amounts_are_read_in_the_chosen_unit_unless_they_say_their_own():
    table = parse(HEADER + "Trafiknämnden;Ljus;Torget;;1 800;1,2 mkr;Sänkt.\n", unit="tkr")
    assert (table.rows[0].applied, table.rows[0].proposed) == (1_800_000, 1_200_000)


def test_a_summa_row_that_disagrees_is_an_error_and_never_a_row():
    table = parse(fixture("ansokningar_fel_summa.csv"))
    assert messages(table.problems) == [
        "Rad 5, kolumn ”Sökt belopp”: Summa-raden 25,0 stämmer inte med radernas summa 23,0."
    ]
    assert len(table.rows) == 3


def test_the_summa_row_checks_the_proposed_amounts_too():
    table = parse(
        HEADER + "Trafiknämnden;Ljus;Torget;;2,0;2,0;\nIdrottsnämnden;Plan;Planen;;1,0;0,5;Sänkt.\n"
        "Totalt;;;;3,0;2,0;\n"
    )
    assert messages(table.problems) == [
        "Rad 4, kolumn ”Föreslaget belopp”: Summa-raden 2,0 stämmer inte med radernas summa 2,5."
    ]


def test_excel_sums_read_as_excel_shows_them():
    table = parse(fixture("ansokningar_exempel.xlsx"))
    assert table.sum_row.applied == table.total("applied") == 10_000_000


# Comparing with the round


def test_the_example_file_matches_committees_and_focus_areas_ignoring_case(stockholm):
    result = preview(stockholm, fixture("ansokningar_exempel.csv"))
    assert result.problems == []
    assert [
        (row.committee.name, row.focus_area.name if row.focus_area else None) for row in result.rows
    ] == [
        ("Järva stadsdelsnämnd", "Stadens offentliga miljö"),
        ("Järva stadsdelsnämnd", None),
        ("Farsta stadsdelsnämnd", "Stadens offentliga miljö"),
        ("Trafiknämnden", "Stadsutveckling"),
        ("Idrottsnämnden", "Förebyggande arbete"),
    ]
    assert result.unit == "mnkr"
    assert result.totals == [10_000_000, 6_100_000]
    assert result.summary_sentences == [
        f"5 ansökningar om totalt 10,0{NBSP}mnkr.",
        f"3 ansökningar föreslås beviljas medel om totalt 6,1{NBSP}mnkr.",
    ]
    assert result.notes == [] and result.warnings == []


def test_an_unknown_committee_is_an_error_unless_created(stockholm):
    content = fixture("ansokningar_okand_namnd.csv")
    assert messages(preview(stockholm, content).problems) == [
        "Rad 3, kolumn ”Nämnd”: ”Gröna nämnden” matchar ingen nämnd hos Stockholms stad."
    ]
    created = preview(stockholm, content, create=True)
    assert created.problems == []
    assert created.new_committees == {"gröna nämnden": "Gröna nämnden"}
    assert created.notes == ["Nya nämnder: Gröna nämnden (facknämnd)."]


def test_a_created_committee_is_a_stadsdelsnamnd_by_its_name():
    assert committee_kind("Spånga-Tensta Stadsdelsnämnd") == CommitteeKind.STADSDELSNAMND
    assert committee_kind("Miljö- och hälsoskyddsnämnden") == CommitteeKind.FACKNAMND


def test_an_unknown_focus_area_lists_the_known_ones(stockholm):
    result = preview(stockholm, HEADER + "Trafiknämnden;Ljus;Torget;Belysning;1;;\n")
    assert messages(result.problems) == [
        "Rad 2, kolumn ”Fokusområde”: ”Belysning” matchar inget fokusområde hos Stockholms "
        "stad. Fokusområdena är Förebyggande arbete, Riktade sociala insatser, Stadens "
        "offentliga miljö, Stadsutveckling. Lämna cellen tom om ansökan inte gäller något "
        "fokusområde."
    ]


def test_a_focus_area_in_two_programmes_is_the_one_in_force_the_rounds_year(stockholm):
    older = Programme.objects.create(
        organisation=stockholm.organisation,
        name="Program 2020–2023",
        first_year=2020,
        last_year=2023,
    )
    FocusArea.objects.create(programme=older, name="Stadsutveckling")
    result = preview(stockholm, HEADER + "Trafiknämnden;Ljus;Torget;stadsutveckling;1;;\n")
    assert result.problems == []
    assert result.rows[0].focus_area.programme.name.endswith("2024–2027")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            "2,5;3,0;",
            "Rad 2, kolumn ”Föreslaget belopp”: Föreslaget belopp kan inte vara större än det "
            f"sökta beloppet 2,5{NBSP}mnkr.",
        ),
        (
            "2,5;2,0;",
            "Rad 2, kolumn ”Motivering”: Skriv en motivering när beloppet sänks eller är noll.",
        ),
        (
            "2,5;0;",
            "Rad 2, kolumn ”Motivering”: Skriv en motivering när beloppet sänks eller är noll.",
        ),
        (
            "2,5;;Bra ansökan.",
            "Rad 2, kolumn ”Föreslaget belopp”: Ange ett föreslaget belopp (0 om ansökan inte "
            "ska beviljas).",
        ),
    ],
)
def test_assessments_follow_the_assessment_rules(stockholm, cells, message):
    result = preview(stockholm, HEADER + f"Trafiknämnden;Ljus;Torget;;{cells}\n")
    assert messages(result.problems) == [message]


def test_a_reduced_amount_without_motivation_from_the_fixture(stockholm):
    result = preview(stockholm, fixture("ansokningar_saknad_motivering.csv"))
    assert messages(result.problems) == [
        "Rad 3, kolumn ”Motivering”: Skriv en motivering när beloppet sänks eller är noll."
    ]


def test_the_same_committee_and_title_twice_is_an_error(stockholm):
    result = preview(
        stockholm, HEADER + "Trafiknämnden;Ljus;Torget;;1;;\ntrafiknämnden;LJUS;Parken;;2;;\n"
    )
    assert messages(result.problems) == ["Rad 3, kolumn ”Titel”: Samma nämnd och titel som rad 2."]


def test_a_stored_application_with_the_same_committee_and_title_is_updated(stockholm):
    committee = stockholm.organisation.committees.get(name="Trafiknämnden")
    stored = Application.objects.create(
        round=stockholm,
        committee=committee,
        title="Ljus i tunneln",
        place="Tunneln",
        applied_amount=1_000_000,
        status=ApplicationStatus.SUBMITTED,
    )
    Assessment.objects.create(application=stored, proposed_amount=1_000_000)
    other = Application.objects.create(
        round=stockholm,
        committee=committee,
        title="Annat",
        place="Torget",
        applied_amount=4_000_000,
        status=ApplicationStatus.SUBMITTED,
    )
    Assessment.objects.create(application=other, proposed_amount=3_000_000, motivation="Sänkt.")
    Application.objects.create(
        round=stockholm, committee=committee, title="Utkast", place="Torget", applied_amount=9
    )
    result = preview(
        stockholm,
        HEADER + "Trafiknämnden;ljus i  tunneln;Tunneln;;1,5;;\nIdrottsnämnden;Ny;Planen;;2;;\n",
    )
    assert result.problems == []
    assert result.rows[0].application == stored
    assert result.rows[1].application is None
    assert result.notes == [
        "1 ansökan finns redan i omgången och uppdateras.",
        "Omgången har 1 ansökan som inte finns i filen; de lämnas orörda och räknas med i "
        "summeringen.",
    ]
    # The stored proposal of the updated application and the other one count; the draft not.
    assert result.summary_sentences == [
        f"3 ansökningar om totalt 7,5{NBSP}mnkr.",
        f"2 ansökningar föreslås beviljas medel om totalt 4,0{NBSP}mnkr.",
    ]


def test_a_decided_round_is_read_only(db):
    round_ = make_stockholm(status=RoundStatus.DECIDED)
    result = preview(round_, fixture("ansokningar_exempel.csv"))
    assert messages(result.problems) == [
        "Trygghetsinvesteringar 2024 är beslutad och kan inte ändras."
    ]


def test_proposals_over_the_frame_are_warned_about(stockholm):
    Round.objects.filter(pk=stockholm.pk).update(frame=6_000_000)
    stockholm.refresh_from_db()
    result = preview(stockholm, fixture("ansokningar_exempel.csv"))
    assert result.problems == []
    assert result.warnings == [
        f"Föreslagna belopp: Summan 6,1{NBSP}mnkr överskrider ramen 6,0{NBSP}mnkr med "
        f"0,1{NBSP}mnkr."
    ]


def test_a_new_round_needs_a_frame(db):
    table = parse(fixture("ansokningar_exempel.csv"))
    target = ImportTarget(organisation_name="Solna stad", name="Omgång 2025", year=2025)
    assert messages(build_preview(table=table, target=target, create=True).problems)[0] == (
        "Omgången ”Omgång 2025” finns inte och har ingen ram."
    )
    result = build_preview(table=table, target=target, create=True, frame=6_100_000)
    assert result.notes[:2] == [
        "Ny organisation: Solna stad.",
        f"Ny omgång: Omgång 2025 (2025) med ramen 6,1{NBSP}mkr.",
    ]
    # Without an organisation every name is new, and every focus area unknown.
    assert len(result.new_committees) == 4
    assert [str(problem) for problem in result.problems] == [
        "Rad 3, kolumn ”Fokusområde”: ”Stadens offentliga miljö” matchar inget fokusområde "
        "hos Solna stad. Lämna cellen tom om ansökan inte gäller något fokusområde.",
        "Rad 5, kolumn ”Fokusområde”: ”stadens offentliga miljö” matchar inget fokusområde "
        "hos Solna stad. Lämna cellen tom om ansökan inte gäller något fokusområde.",
        "Rad 6, kolumn ”Fokusområde”: ”Stadsutveckling” matchar inget fokusområde hos Solna "
        "stad. Lämna cellen tom om ansökan inte gäller något fokusområde.",
        "Rad 7, kolumn ”Fokusområde”: ”Förebyggande arbete” matchar inget fokusområde hos "
        "Solna stad. Lämna cellen tom om ansökan inte gäller något fokusområde.",
    ]


@pytest.mark.parametrize("count", [5, 25])
def test_the_preview_runs_in_a_fixed_number_of_queries(stockholm, django_assert_num_queries, count):
    """Prevents one query per row for its committee, focus area or stored application, or
    per application and assessment the preview writes (and rolls back)."""
    rows = "".join(f"Trafiknämnden;Ansökan {n};Torget;Stadsutveckling;1;1;\n" for n in range(count))
    # savepoint; the round locked, whether a finalised document locks it; committees,
    # focus areas, applications; applications, assessments and the history of each
    # written in bulk; the round's summary; rollback to the savepoint and its release
    with django_assert_num_queries(13):
        result = preview(stockholm, HEADER + rows)
    assert result.problems == []
    assert len(result.created) == result.assessments == count
    assert result.summary_sentences[0] == f"{count} ansökningar om totalt {count},0{NBSP}mnkr."
    assert not Application.objects.exists()
