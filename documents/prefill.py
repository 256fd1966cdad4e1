"""The texts a new decision document starts with, written from the data in the
documents' own words (000_…, 002_…, 004_…). Every text stays editable."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from allocations import selectors as allocation_selectors
from allocations.models import PackageYear
from applications import selectors as round_selectors
from applications.models import Round
from applications.summary import applications_count
from documents.models import DocumentKind
from trygghet.amounts import UNIT_FACTORS, format_amount_with_unit
from trygghet.models import Organisation


def _about(kronor: int, unit: str) -> str:
    """An amount rounded to one decimal in the unit: "cirka 2,5 mkr"."""
    factor = UNIT_FACTORS[unit]
    rounded = (Decimal(kronor) / factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_amount_with_unit(int(rounded * factor), unit)


def _grant_sentence(organisation: Organisation, year: int) -> str:
    grant = organisation.government_grant
    if grant is None:
        return ""
    return (
        " Inom lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete får kommunen "
        "årligen generella statliga bidrag för det brottsförebyggande arbetet med 23 kr per "
        f"invånare, totalt cirka {_about(grant, organisation.amount_unit)} för {year}."
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _indefinite(name: str) -> str:
    """After a genitive ("2024 års") Swedish takes the indefinite form: trygghetspaket."""
    return name[:-2] if name.lower().endswith("paketet") else name


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def document_kind_for(package_year: PackageYear) -> str:
    """A year whose lines go to recipient committees is a distribution (the Linköping shape)."""
    if package_year.package.lines.filter(recipient__isnull=False).exists():
        return DocumentKind.DISTRIBUTION
    return DocumentKind.PACKAGE_YEAR


def package_year_texts(package_year: PackageYear, *, author: str) -> dict:
    package = package_year.package
    organisation = package.organisation
    unit = organisation.amount_unit
    year = package_year.year
    body = package_year.deciding_body.name if package_year.deciding_body else "Kommunstyrelsen"
    table = allocation_selectors.year_table(package_year=package_year)
    frame = format_amount_with_unit(package_year.frame, unit)
    total = format_amount_with_unit(table.total, unit)
    kind = document_kind_for(package_year)
    texts = {
        "kind": kind,
        "title": f"{package.name} {year}",
        "date": timezone.localdate(),
        "signatory_name": author,
        "documents_list": f"Tjänsteskrivelse daterad den {timezone.localdate():%Y-%m-%d}",
        "background": package.description,
    }
    economy = (
        f"Ramen för {year} är {frame}. Förslaget fördelar {total}"
        + (
            f", att jämföra med budget {year - 1} om "
            f"{format_amount_with_unit(table.reference_total, unit)}"
            if table.reference_total is not None
            else ""
        )
        + (
            f" och utfall {year - 1} om "
            f"{format_amount_with_unit(table.previous_outcome_total, unit)}"
            if table.previous_outcome_total is not None
            else ""
        )
        + "."
        + (
            " Den föreslagna fördelningen ligger i linje med ramen."
            if table.total == package_year.frame
            else ""
        )
        + _grant_sentence(organisation, year)
    )
    texts["economy"] = economy
    if kind == DocumentKind.DISTRIBUTION:
        recipients, _ = allocation_selectors.recipient_totals(
            package_year=package_year, kind=table.kind
        )
        parts = [
            f"{_lower_first(row.recipient)} med {format_amount_with_unit(row.total, unit)}"
            for row in recipients
        ]
        texts.update(
            {
                "decision_points": (
                    f"{package.name} om {frame} år {year} fördelas till {_join(parts)}."
                ),
                "summary": (
                    f"{package.name} om {frame} år {year} föreslås fördelas till "
                    f"{len(recipients)} mottagare enligt tabellen nedan."
                ),
                "send_to": "\n".join(row.recipient for row in recipients),
            }
        )
    else:
        line_count = sum(1 for row in table.rows if row.amount is not None)
        texts.update(
            {
                "decision_points": (
                    f"{body} beslutar om fördelning av medel för {year} års "
                    f"{_indefinite(_lower_first(package.name))} enligt följande."
                ),
                "summary": (
                    f"Ramen för {_lower_first(package.name)} {year} är {frame}. "
                    f"I förslaget fördelas {total} på {line_count} insatser."
                ),
                "assessment": (
                    f"Förslaget till fördelning för {year} framgår av tabellen nedan, jämfört med "
                    f"utfall och budget {year - 1}."
                ),
                "send_to": body,
            }
        )
    if "mbl" in (organisation.optional_sections or []):
        texts["mbl"] = "MBL-information eller förhandling är inte påkallad."
    texts["children"] = (
        "Insatserna inom ramen syftar till att öka tryggheten och förebygga brott, och en stor "
        "del riktar sig till barn och unga."
    )
    return texts


def round_texts(round_: Round, *, author: str) -> dict:
    organisation = round_.organisation
    unit = organisation.amount_unit
    summary = round_selectors.round_summary(round_=round_)
    applied = format_amount_with_unit(summary.applied_total, unit)
    proposed = format_amount_with_unit(summary.proposed_total, unit)
    body = round_.deciding_body.name if round_.deciding_body else "Kommunstyrelsen"
    committees = round_selectors.sums_by_committee(round_=round_)
    criteria = [criterion.text for criterion in round_.criteria.all()]
    return {
        "kind": DocumentKind.ROUND,
        "title": round_.name,
        "date": timezone.localdate(),
        "signatory_name": author,
        "proposer": f"{body} beslutar följande.",
        "decision_points": (
            f"{round_.name.split(' ')[0]} om {proposed} beviljas i enlighet med bilaga 1, "
            "Sammanställning av bedömningar."
        ),
        "summary": (
            f"I detta ärende behandlas {applications_count(summary.application_count)} som "
            f"totalt uppgår till {applied}. Det föreslås att "
            f"{applications_count(summary.proposed_count)} beviljas medel om totalt {proposed}."
        ),
        "background": round_.instructions,
        "assessment": (
            f"Ansökningarna kommer från {len(committees)} nämnder. De har bedömts utifrån "
            f"följande kriterier: {_join([_lower_first(text) for text in criteria])}. "
            "Förslag på beviljat belopp med motivering för respektive ansökan framgår av bilaga 1."
        ),
        "economy": (
            f"Ramen för {round_.name} är {format_amount_with_unit(round_.frame, unit)}. "
            f"Föreslaget belopp är {proposed}, och "
            + (
                f"{format_amount_with_unit(summary.frame_left, unit)} av ramen återstår."
                if not summary.excess
                else "förslagen överskrider ramen med "
                f"{format_amount_with_unit(summary.excess, unit)}."
            )
        ),
        "children": (
            "Investeringarna i den fysiska miljön ska öka tryggheten på platser där barn och "
            "unga rör sig."
        ),
        "documents_list": "Bilaga 1. Sammanställning av bedömningar",
        "send_to": "\n".join(group.name for group in committees),
    }
