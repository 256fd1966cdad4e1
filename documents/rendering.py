"""The HTML of a decision document: one template for the browser preview and the PDF, so
the preview shows exactly what the PDF will contain."""

from dataclasses import dataclass
from itertools import groupby

from django.template.loader import render_to_string

from allocations import selectors as allocation_selectors
from applications import selectors as round_selectors
from documents.models import DecisionDocument, DocumentKind

SECTION_TITLES = {
    "jamstalldhet": ("gender_equality", "Jämställdhet"),
    "samrad": ("consultation", "Samråd"),
    "kommunala_mal": ("municipal_goals", "Kommunala mål"),
    "mbl": (
        "mbl",
        "Information eller förhandling enligt lag (1976:580) om medbestämmande i arbetslivet",
    ),
}


@dataclass(frozen=True)
class CommitteeGroup:
    name: str
    applications: list
    applied: int
    proposed: int


def _round_appendix(round_):
    applications = list(round_selectors.overview_applications(round_=round_, filters={}))
    groups = []
    for name, rows in groupby(applications, key=lambda application: application.committee.name):
        rows = list(rows)
        groups.append(
            CommitteeGroup(
                name=name,
                applications=rows,
                applied=sum(row.applied_amount for row in rows),
                proposed=sum(
                    row.assessment.proposed_amount for row in rows if hasattr(row, "assessment")
                ),
            )
        )
    return groups


def document_context(document: DecisionDocument) -> dict:
    organisation = document.organisation
    unit = organisation.amount_unit
    context = {
        "document": document,
        "unit": unit,
        "points": document.paragraphs("decision_points"),
        "summary_paragraphs": document.paragraphs("summary"),
        "background_paragraphs": document.paragraphs("background"),
        "assessment_paragraphs": document.paragraphs("assessment"),
        "economy_paragraphs": document.paragraphs("economy"),
        "children_paragraphs": document.paragraphs("children"),
        "documents_lines": document.lines("documents_list"),
        "send_to_lines": document.lines("send_to"),
        "optional_sections": [
            SECTION_TITLES[key] + (document.paragraphs(SECTION_TITLES[key][0]),)
            for key in organisation.optional_sections or []
            if key in SECTION_TITLES and getattr(document, SECTION_TITLES[key][0]).strip()
        ],
    }
    if document.kind == DocumentKind.ROUND:
        round_ = document.round
        context["summary"] = round_selectors.round_summary(round_=round_)
        context["appendix"] = _round_appendix(round_)
    else:
        package_year = document.package_year
        table = allocation_selectors.year_table(package_year=package_year)
        context["year_table"] = table
        context["proposal_rows"] = [row for row in table.rows if row.amount is not None]
        context["has_previous_year"] = (
            table.reference_total is not None or table.previous_outcome_total is not None
        )
        # The year-over-year table of 001_…: this year and up to two before it.
        years = list(
            package_year.package.years.filter(year__lte=package_year.year)
            .order_by("-year")
            .values_list("year", flat=True)[:3]
        )
        if len(years) > 1:
            context["multi_year"] = allocation_selectors.multi_year_table(
                package=package_year.package, years=years
            )
        if document.kind == DocumentKind.DISTRIBUTION:
            recipients, total = allocation_selectors.recipient_totals(
                package_year=package_year, kind=table.kind
            )
            context["recipients"] = recipients
            context["recipient_total"] = total
    return context


def render_html(document: DecisionDocument) -> str:
    return render_to_string("documents/decision.html", document_context(document))
