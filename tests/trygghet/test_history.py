"""The shared words of the Ändringshistorik and the conflict messages."""

from applications.models import Application, Assessment
from tests.allocations.helpers import plain
from trygghet.history import excerpt, field_change


def test_an_amount_is_formatted_in_the_organisations_unit():
    change = field_change(
        Application, "applied_amount", 1_200_000, 1_500_000, unit="mnkr",
        amounts=frozenset({"applied_amount"}),
    )  # fmt: skip
    assert plain(change) == "sökt belopp: 1,2 mnkr → 1,5 mnkr"


def test_a_status_reads_as_its_swedish_label():
    change = field_change(Application, "status", "inskickad", "returnerad", unit="mkr")
    assert change == "status: inskickad → återsänd för komplettering"


def test_a_long_text_is_named_by_its_start_and_an_emptied_one_says_so():
    text = "Belysningen beviljas men målningen ryms inte i ramen för i år. " * 5
    change = field_change(Assessment, "motivation", "", text, unit="mkr")
    assert (
        change
        == "motivering: ny text ”Belysningen beviljas men målningen ryms inte i ramen för i …”"
    )
    assert field_change(Assessment, "motivation", text, "", unit="mkr") == (
        "motivering: texten borttagen"
    )
    assert excerpt("Kort\n\ntext.") == "”Kort text.”"
