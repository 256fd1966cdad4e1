"""Reading allocation tables: files, headers, amounts, the Summa row, matching, checks."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from allocations.imports import (
    build_preview,
    normalise_name,
    parse_table,
)
from allocations.models import AmountKind, BudgetLine, BudgetLineLabel, Package, PackageYear
from tests.conftest import make_organisation, make_package
from trygghet.imports.flow import ImportTarget
from trygghet.imports.reader import ImportFileError, read_table

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "import"
MKR = 1_000_000


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(content: bytes | str, unit: str = "mkr"):
    if isinstance(content, str):
        content = content.encode()
    return parse_table(read_table(content), unit=unit)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_values(table, header: str) -> list[int | None]:
    column = next(column for column in table.columns if column.header == header)
    return [row.values[column.position] for row in table.rows]


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]


# The two Nacka tables


@pytest.mark.parametrize("name", ["nacka_2024.csv", "nacka_2024.xlsx"])
def test_reads_the_nacka_2024_table(name):
    table = parse(fixture(name))
    assert table.problems == []
    assert [(column.header, column.kind, column.year) for column in table.columns] == [
        ("Förslag 2024", AmountKind.PROPOSAL, 2024),
        ("Utfall 2023", AmountKind.OUTCOME, 2023),
        ("Budget 2023", AmountKind.BUDGET, 2023),
    ]
    assert [row.name for row in table.rows] == [
        "Trygghetsvärdar",
        "SSPF (skola, socialtjänst, polis, fritid)",
        "Stöd till lokala arbetsgrupper",
        "Kameraövervakning – centrala funktioner",
        "Insatser i samverkan med lokala aktörer",
        "Övriga insatser",
    ]
    assert column_values(table, "Förslag 2024") == [
        1_600_000, 1_500_000, 600_000, 100_000, 1_100_000, 100_000
    ]  # fmt: skip
    assert column_values(table, "Utfall 2023") == [
        1_200_000, 1_600_000, 600_000, 0, 800_000, 90_000
    ]  # fmt: skip
    assert column_values(table, "Budget 2023") == [
        1_400_000, 1_500_000, 900_000, 200_000, 400_000, 600_000
    ]  # fmt: skip
    assert table.sum_row.name == "SUMMA"
    assert list(table.sum_row.values.values()) == [5 * MKR, 4_290_000, 5 * MKR]


@pytest.mark.parametrize(("name", "first_row"), [("nacka_2022.csv", 2), ("nacka_2022.xlsx", 3)])
def test_reads_the_nacka_2022_table_with_bullets_and_a_bare_year_per_column(name, first_row):
    table = parse(fixture(name))
    assert table.problems == []
    assert [(column.kind, column.year) for column in table.columns] == [
        (AmountKind.BUDGET, 2022),
        (AmountKind.BUDGET, 2021),
        (AmountKind.BUDGET, 2020),
    ]
    assert table.rows[0].number == first_row  # the XLSX has a title row above the header
    assert table.rows[0].name == "Trygghetsvärdar (Orminge och Fisksätra)"
    assert table.rows[1].name == "Ambulerande Trygghetsvärdar"
    assert table.sum_row.name == "Summa miljoner kronor"
    for header in ("2022", "2021", "2020"):
        assert sum(column_values(table, header)) == 5 * MKR
    assert column_values(table, "2021")[:3] == [800_000, 800_000, 400_000]


# Files


def test_semicolon_comma_and_tab_separated_files_read_the_same():
    semicolon = "Post;Förslag 2024\nSSPF (skola, polis);1,5\nÖvrigt;0,1\n"
    comma = 'Post,Förslag 2024\n"SSPF (skola, polis)","1,5"\nÖvrigt,"0,1"\n'
    tab = "Post\tFörslag 2024\nSSPF (skola, polis)\t1,5\nÖvrigt\t0,1\n"
    for text in (semicolon, comma, tab):
        table = parse(text)
        assert table.problems == []
        assert [row.name for row in table.rows] == ["SSPF (skola, polis)", "Övrigt"]
        assert column_values(table, "Förslag 2024") == [1_500_000, 100_000]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_swedish_letters_survive_every_encoding_excel_saves(encoding):
    table = parse("Budgetpost;Förslag 2024\nStöd till lokala arbetsgrupper;0,6\n".encode(encoding))
    assert table.columns[0].header == "Förslag 2024"
    assert table.rows[0].name == "Stöd till lokala arbetsgrupper"


@pytest.mark.parametrize(
    ("typed", "unit", "kronor"),
    [
        ("1,6", "mkr", 1_600_000),
        ("1,6 mkr", "tkr", 1_600_000),
        ("0,09", "mkr", 90_000),
        ("1 600", "tkr", 1_600_000),
        ("1\u00a0600 tkr", "mkr", 1_600_000),
        ("1 600 000", "mkr", 1_600_000),
        ("1600000 kr", "mkr", 1_600_000),
    ],
)
def test_cells_are_read_as_officials_type_them(typed, unit, kronor):
    table = parse(f"Budgetpost;Förslag 2024\nTrygghetsvärdar;{typed}\n", unit=unit)
    assert table.problems == []
    assert column_values(table, "Förslag 2024") == [kronor]


def test_an_empty_cell_is_no_amount_not_zero():
    table = parse("Budgetpost;2022;2021\nSSPF;;0\n")
    assert column_values(table, "2022") == [None]
    assert column_values(table, "2021") == [0]


def test_xlsx_numbers_are_in_the_chosen_unit_and_read_as_excel_shows_them():
    content = xlsx([["Budgetpost", "Förslag 2024"], ["A", 1600], ["B", 0.3 + 0.8], ["C", "1,5"]])
    table = parse(content, unit="tkr")
    assert table.problems == []
    # 0.3 + 0.8 is 1.0999999999999999 as a float; Excel shows 1,1.
    assert column_values(table, "Förslag 2024") == [1_600_000, 1_100, 1_500]


def test_rows_above_the_header_and_blank_rows_are_skipped():
    table = parse("Fördelning av trygghetspaketet\n\nPost;Förslag 2024\n\nA;1,0\n;\nB;2,0\n")
    assert table.header_row == 3
    assert [(row.number, row.name) for row in table.rows] == [(5, "A"), (7, "B")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen är tom."),
        (b"  \n\n", "Filen är tom."),
        (
            fixture("inte_en_tabell.pdf"),
            "Filen är en PDF. Skriv av tabellen i Excel och spara den som .xlsx eller CSV.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "Filen är i Excels gamla format (.xls). Spara den som .xlsx eller CSV och försök igen.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "Filen är varken en CSV-fil eller en XLSX-fil. Spara tabellen i Excel som .xlsx "
            "eller CSV och försök igen.",
        ),
        (
            b"PK\x03\x04 not really a workbook",
            "Filen kunde inte läsas som XLSX. Spara den i Excel som .xlsx eller CSV och "
            "försök igen.",
        ),
    ],
)
def test_a_file_that_is_no_table_is_refused_with_a_swedish_message(content, message):
    with pytest.raises(ImportFileError) as error:
        read_table(content)
    assert str(error.value) == message


# Problems, with row and column


def test_a_bad_amount_names_its_row_and_column():
    table = parse(fixture("fel_belopp.csv"))
    assert messages(table.problems) == [
        "Rad 4, kolumn ”Förslag 2024”: ”1,6,0” är inte ett belopp. "
        "Skriv till exempel 1,6 eller 1 600 tkr."
    ]
    # The Summa check of that column is skipped: its sum is unknown.
    assert table.invalid_cells == {(4, 1): "1,6,0"}


def test_a_summa_row_that_disagrees_with_the_rows_is_an_error_and_never_a_line():
    table = parse(fixture("fel_summa.csv"))
    assert messages(table.problems) == [
        "Rad 5, kolumn ”Förslag 2025”: Summa-raden 25,0 stämmer inte med radernas summa 23,0."
    ]
    assert [row.name for row in table.rows] == [
        "Trygghetsvärdar",
        "SSPF",
        "Stöd till lokala arbetsgrupper",
    ]


@pytest.mark.parametrize("name", ["Summa", "SUMMA", "Totalt", "• Summa miljoner kronor"])
def test_sum_rows_are_recognised_by_their_name(name):
    table = parse(f"Post;2022\nA;1,0\nB;2,0\n{name};3,0\n")
    assert table.problems == []
    assert table.sum_row.values == {1: 3 * MKR}
    assert len(table.rows) == 2


def test_an_unknown_header_names_its_column():
    table = parse(fixture("fel_rubrik.csv"))
    assert messages(table.problems) == [
        "Rad 1, kolumn ”Prognos 2024”: rubriken känns inte igen. Skriv Förslag 2024, "
        "Budget 2023, Utfall 2023 eller bara året (2022) för beslutad budget."
    ]


def test_header_problems_duplicates_and_missing_names():
    table = parse("Post;2022;Budget 2022;;Utfall 2022\nA;1;1;5;1\n;2;;;\n a ;1;;;\n")
    assert messages(table.problems) == [
        "Rad 1, kolumn ”Budget 2022”: samma år och slag som kolumnen ”2022”.",
        "Rad 1, kolumn D: kolumnen har belopp men ingen rubrik. Skriv Förslag 2024, "
        "Budget 2023, Utfall 2023 eller bara året (2022) för beslutad budget.",
        "Rad 3, kolumn ”Post”: namnet saknas.",
        "Rad 4, kolumn ”Post”: ”a” står redan på rad 2.",
    ]


def test_a_file_without_amount_columns_says_what_headers_look_like():
    table = parse("Budgetpost\nTrygghetsvärdar\n")
    assert messages(table.problems) == [
        "Rad 1: Filen har inga kolumner med belopp. Skriv Förslag 2024, Budget 2023, "
        "Utfall 2023 eller bara året (2022) för beslutad budget."
    ]


# Matching names to lines


@pytest.mark.parametrize(
    ("written", "line_name"),
    [
        ("SSPF", "SSPF (skola, socialtjänst, polis, fritid)"),
        ("Trygghetsvärdar (Orminge och Fisksätra)", "Trygghetsvärdar"),
        ("  trygghetsVÄRDAR  ", "Trygghetsvärdar"),
        ("• Stöd till lokala arbetsgrupper", "Stöd till lokala arbetsgrupper"),
        ("Kameraövervakning - centrala funktioner", "Kameraövervakning – centrala funktioner"),
    ],
)
def test_names_match_ignoring_case_space_bullets_and_a_parenthesised_suffix(written, line_name):
    assert normalise_name(written) == normalise_name(line_name)


def test_different_lines_stay_different():
    assert normalise_name("Ambulerande Trygghetsvärdar") != normalise_name("Trygghetsvärdar")


@pytest.fixture
def nacka(demo):
    return Package.objects.select_related("organisation").get(name="Trygghetspaketet")


def preview_of(package, text: str, **options):
    table = parse_table(read_table(text.encode()), unit="mkr")
    return build_preview(table=table, target=ImportTarget.of(package), **options)


def test_the_nacka_tables_match_every_demo_line_by_name_or_earlier_label(nacka):
    for name in ("nacka_2024.csv", "nacka_2022.csv"):
        table = parse(fixture(name))
        preview = build_preview(table=table, target=ImportTarget.of(nacka))
        assert preview.problems == []
        assert all(row.line is not None for row in preview.rows)
    preview = build_preview(table=parse(fixture("nacka_2022.csv")), target=ImportTarget.of(nacka))
    assert [row.line.name for row in preview.rows[:4]] == [
        "Trygghetsvärdar",
        "Ambulerande trygghetsvärdar",
        "Brottsförebyggande trygghetssamordnare",
        "SSPF (skola, socialtjänst, polis, fritid)",
    ]


def test_a_line_is_found_by_an_earlier_label_alone(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    line = package.lines.get()
    BudgetLineLabel.objects.create(line=line, from_year=2020, label="Nattvandrare")
    preview = preview_of(package, "Post;Förslag 2024\nNattvandrare (Boo);1,0\n")
    assert preview.problems == []
    assert preview.rows[0].line == line


def test_an_unmatched_name_is_a_problem_until_it_is_mapped(organisation):
    package = make_package(organisation, lines=2, years=(2024,))
    text = "Post;Förslag 2024\nPost 1;1,0\nNattvandring;1,0\n"
    preview = preview_of(package, text)
    assert messages(preview.problems) == [
        f"Rad 3, kolumn ”Post”: ”Nattvandring” matchar ingen budgetpost i {package.name}."
    ]
    assert [row.number for row in preview.unmapped_rows] == [3]

    post_2 = package.lines.get(name="Post 2")
    mapped = preview_of(package, text, mapping={3: post_2.pk})
    assert mapped.problems == []
    assert mapped.rows[1].line == post_2

    created = preview_of(package, text, mapping={3: None})
    assert created.problems == [] and created.rows[1].new
    assert "Nya budgetposter: Nattvandring." in created.notes


def test_two_rows_for_one_line_is_a_problem(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    preview = preview_of(
        package,
        "Post;Förslag 2024\nPost 1;1,0\nNytt namn;1,0\n",
        mapping={3: package.lines.get().pk},
    )
    assert messages(preview.problems) == [
        "Rad 3, kolumn ”Post”: samma budgetpost som rad 2: Post 1."
    ]


# Years, statuses and frames


def test_a_year_the_package_lacks_is_an_error_unless_a_frame_is_given_or_created(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    text = "Post;Förslag 2025;Budget 2025\nPost 1;1,0;1,5\nSumma;1,0;1,5\n"
    missing = preview_of(package, text)
    assert messages(missing.problems) == [
        f"Rad 1, kolumn ”Förslag 2025”: året 2025 finns inte i {package.name} och har ingen ram."
    ]
    given = preview_of(package, text, frames={2025: 2 * MKR})
    assert given.problems == [] and given.new_years[2025].frame == 2 * MKR
    created = preview_of(package, text, create_years=True)
    assert created.new_years[2025].frame == 1_500_000  # the budget column's Summa
    assert "Nytt år 2025 med ramen 1,5\u00a0mkr (summaraden i kolumnen ”Budget 2025”)." in (
        created.notes
    )
    no_sum = preview_of(package, "Post;Förslag 2025\nPost 1;1,0\n", create_years=True)
    assert "Nytt år 2025 med ramen 1,0\u00a0mkr (summan av kolumnen ”Förslag 2025”)." in (
        no_sum.notes
    )


def test_a_decided_year_refuses_changes_but_accepts_the_same_numbers(nacka):
    same = build_preview(table=parse(fixture("nacka_2022.csv")), target=ImportTarget.of(nacka))
    assert same.problems == []
    assert (
        "Kolumnen ”2022” gäller det beslutade året 2022; beloppen är desamma som de sparade "
        "och lämnas orörda." in same.notes
    )
    changed = fixture("nacka_2022.csv").decode().replace("• SSPF;1,5;", "• SSPF;1,4;")
    preview = preview_of(nacka, changed)
    assert messages(preview.problems) == [
        "Rad 5, kolumn ”2022”: Trygghetspaketet 2022 är beslutat och kan inte ändras.",
        "Rad 10, kolumn ”2022”: Summa-raden 5,0 stämmer inte med radernas summa 4,9.",
    ]


def test_values_after_a_line_has_ended_are_refused_and_earlier_ones_move_its_start(organisation):
    package = make_package(organisation, lines=2, years=(2022, 2023, 2024))
    BudgetLine.objects.filter(name="Post 1").update(active_to=2023)
    preview = preview_of(
        package, "Post;2021;Förslag 2024\nPost 1;1,0;1,0\nPost 2;1,0;\n", frames={2021: 2 * MKR}
    )
    assert messages(preview.problems) == [
        "Rad 2, kolumn ”Förslag 2024”: budgetposten Post 1 gäller bara 2022–2023."
    ]
    post_2 = package.lines.get(name="Post 2")
    assert preview.line_starts[post_2.pk] == 2021


def test_the_preview_shows_stored_amounts_where_the_file_is_empty(organisation):
    package = make_package(organisation, lines=2, years=(2024,))  # 1,0 mkr everywhere
    preview = preview_of(package, "Post;Förslag 2024;Utfall 2024\nPost 1;1,5;\n")
    post_1, post_2 = preview.rows[0], preview.other_rows[0]
    assert [(cell.kronor, cell.from_file, cell.previous) for cell in post_1.cells] == [
        (1_500_000, True, 1 * MKR),
        (1 * MKR, False, None),
    ]
    assert post_2.name == "Post 2"
    assert preview.totals == [2_500_000, 2 * MKR]
    assert preview.column_frames == [2 * MKR, 2 * MKR]


def test_a_column_over_its_frame_is_a_warning_not_a_problem(nacka):
    preview = build_preview(table=parse(fixture("over_ramen.csv")), target=ImportTarget.of(nacka))
    assert preview.problems == []
    assert preview.warnings == [
        "Kolumnen ”Förslag 2024”: Summan 5,2\u00a0mkr överskrider ramen 5,0\u00a0mkr med "
        "0,2\u00a0mkr."
    ]


def test_a_changed_proposal_of_a_year_marked_forslag_makes_it_a_draft_again(nacka):
    text = fixture("nacka_2024.csv").decode()
    text = text.replace("Övriga insatser;0,1 mkr", "Övriga insatser;0,0 mkr")
    preview = preview_of(nacka, text.replace("SUMMA;5,0 mkr", "SUMMA;4,9 mkr"))
    assert preview.problems == [] and preview.warnings == []  # below the frame: no warning
    assert (
        "Förslaget för 2024 ändras, så året blir utkast igen. Markera det som förslag när "
        "summan stämmer med ramen." in preview.notes
    )
    assert PackageYear.objects.get(package=nacka, year=2024).status == "forslag"


def test_outcomes_of_a_decided_year_stay_open(nacka):
    text = fixture("nacka_2024.csv").decode()
    text = text.replace("Trygghetsvärdar;1,6 mkr;1,2 mkr", "Trygghetsvärdar;1,6 mkr;1,3 mkr")
    preview = preview_of(nacka, text.replace("4,29 mkr", "4,39 mkr"))
    assert preview.problems == []
    assert preview.rows[0].cells[1].previous == 1_200_000


def test_an_organisation_in_tkr_sees_the_preview_in_tkr(db):
    organisation = make_organisation(amount_unit="tkr")
    package = make_package(organisation, lines=1, years=(2024,))
    preview = preview_of(package, "Post;Förslag 2024\nPost 1;1,6\n")
    assert preview.unit == "tkr"
    assert preview.totals == [1_600_000]


def test_a_name_that_could_be_two_lines_must_be_written_in_full(organisation):
    package = make_package(organisation, lines=0, years=(2024,))
    for name in ("Trygghetsvärdar (Orminge)", "Trygghetsvärdar (Fisksätra)"):
        BudgetLine.objects.create(package=package, name=name, active_from=2024)
    preview = preview_of(
        package, "Post;Förslag 2024\nTrygghetsvärdar;1,0\ntrygghetsvärdar (fisksätra);0,5\n"
    )
    assert messages(preview.problems) == [
        "Rad 2, kolumn ”Post”: ”Trygghetsvärdar” kan vara flera budgetposter: "
        "Trygghetsvärdar (Orminge), Trygghetsvärdar (Fisksätra). Välj vilken."
    ]
    assert preview.rows[1].line.name == "Trygghetsvärdar (Fisksätra)"
