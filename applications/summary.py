"""How a round is summed up in words, as the decision documents write it (002_…):
"48 ansökningar om totalt 112,1 mnkr." The round overview page, the import and the
command all say it through this module, so the wording and number format are one."""

from trygghet.amounts import NBSP, format_amount_with_unit


def applications_count(count: int) -> str:
    """ "1 ansökan", "48 ansökningar" (thousands grouped like amounts)."""
    number = f"{count:,}".replace(",", NBSP)
    return f"{number} {'ansökan' if count == 1 else 'ansökningar'}"


def round_summary_sentences(
    *,
    application_count: int,
    applied_total: int,
    proposed_count: int,
    proposed_total: int,
    unit: str,
) -> list[str]:
    """The round in one or two sentences, amounts (integer kronor) in the organisation's unit:

    ["48 ansökningar om totalt 112,1 mnkr.",
     "35 ansökningar föreslås beviljas medel om totalt 60,1 mnkr."]

    `proposed_count` counts the applications proposed an amount above zero. The second
    sentence is left out while none is, e.g. before the assessment has started.
    """
    if application_count == 0:
        return ["Inga ansökningar."]
    sentences = [
        f"{applications_count(application_count)} om totalt "
        f"{format_amount_with_unit(applied_total, unit)}."
    ]
    if proposed_count:
        sentences.append(
            f"{applications_count(proposed_count)} föreslås beviljas medel om totalt "
            f"{format_amount_with_unit(proposed_total, unit)}."
        )
    return sentences
