"""The round in the documents' words: "48 ansökningar om totalt 112,1 mnkr."."""

import pytest

from applications.summary import applications_count, round_summary_sentences

NBSP = "\u00a0"


def test_stockholm_2024_in_the_words_of_the_decision_document():
    # 002_…: 48 applications for 112,1 mnkr; 35 proposed for 60,1 mnkr.
    assert round_summary_sentences(
        application_count=48,
        applied_total=112_100_000,
        proposed_count=35,
        proposed_total=60_100_000,
        unit="mnkr",
    ) == [
        f"48 ansökningar om totalt 112,1{NBSP}mnkr.",
        f"35 ansökningar föreslås beviljas medel om totalt 60,1{NBSP}mnkr.",
    ]


def test_one_application_is_singular():
    assert round_summary_sentences(
        application_count=1,
        applied_total=2_500_000,
        proposed_count=1,
        proposed_total=2_000_000,
        unit="mkr",
    ) == [
        f"1 ansökan om totalt 2,5{NBSP}mkr.",
        f"1 ansökan föreslås beviljas medel om totalt 2,0{NBSP}mkr.",
    ]


def test_amounts_in_the_organisations_unit_with_grouped_thousands():
    assert round_summary_sentences(
        application_count=3,
        applied_total=1_650_000,
        proposed_count=2,
        proposed_total=1_200_500,
        unit="tkr",
    ) == [
        f"3 ansökningar om totalt 1{NBSP}650{NBSP}tkr.",
        f"2 ansökningar föreslås beviljas medel om totalt 1{NBSP}200,5{NBSP}tkr.",
    ]


def test_without_proposals_only_the_applications_are_summed_up():
    assert round_summary_sentences(
        application_count=4,
        applied_total=4_000_000,
        proposed_count=0,
        proposed_total=0,
        unit="mnkr",
    ) == [f"4 ansökningar om totalt 4,0{NBSP}mnkr."]


def test_a_round_without_applications():
    assert round_summary_sentences(
        application_count=0, applied_total=0, proposed_count=0, proposed_total=0, unit="mnkr"
    ) == ["Inga ansökningar."]


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 ansökningar"),
        (1, "1 ansökan"),
        (2, "2 ansökningar"),
        (1200, f"1{NBSP}200 ansökningar"),
    ],
)
def test_applications_count(count, text):
    assert applications_count(count) == text
