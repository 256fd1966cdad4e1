"""Reads for the round pages, each in a fixed number of queries whatever the number of
applications."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from applications.models import Application, Round, RoundDecision
from documents.models import DocumentVersion


def rounds_for_pages():
    """Rounds with what their pages show: organisation, deciding body, document, criteria."""
    return Round.objects.select_related(
        "organisation", "deciding_body", "document"
    ).prefetch_related("criteria")


@dataclass(frozen=True)
class RoundSummary:
    """The numbers the decision document states about a round."""

    application_count: int
    applied_total: int
    proposed_count: int
    proposed_total: int
    unassessed_count: int
    frame: int
    # Integer kronor granted by the decision in force (0 before a decision).
    granted_total: int = 0

    @property
    def frame_left(self) -> int:
        return self.frame - self.proposed_total

    @property
    def excess(self) -> int:
        """How far the proposals go over the frame (0 when within it)."""
        return max(0, -self.frame_left)

    @property
    def totals(self) -> "Totals":
        """The round's count and sums as the totals of an unfiltered overview."""
        return Totals(
            count=self.application_count,
            applied=self.applied_total,
            proposed=self.proposed_total,
            granted=self.granted_total,
        )


def round_summary(*, round_: Round) -> RoundSummary:
    """Counts and sums of the received applications and their assessments (one query)."""
    totals = (
        Application.objects.received()
        .filter(round=round_)
        .aggregate(
            application_count=Count("pk"),
            applied_total=Sum("applied_amount"),
            proposed_count=Count("pk", filter=Q(assessment__proposed_amount__gt=0)),
            proposed_total=Sum("assessment__proposed_amount"),
            unassessed_count=Count("pk", filter=Q(assessment__isnull=True)),
            granted_total=Sum("granted_amount"),
        )
    )
    return RoundSummary(
        application_count=totals["application_count"],
        applied_total=totals["applied_total"] or 0,
        proposed_count=totals["proposed_count"],
        proposed_total=totals["proposed_total"] or 0,
        unassessed_count=totals["unassessed_count"],
        frame=round_.frame,
        granted_total=totals["granted_total"] or 0,
    )


# What the overview, its exports and the decision document's appendix show of each
# application: not its long descriptions, which would triple the rows read for a page.
OVERVIEW_FIELDS = (
    "title",
    "place",
    "status",
    "applied_amount",
    "granted_amount",
    "committee__name",
    "focus_area__name",
    "assessment__proposed_amount",
    "assessment__motivation",
)


def overview_applications(*, round_: Round, filters: dict) -> QuerySet[Application]:
    """The received applications of a round, filtered as the official chose."""
    queryset = (
        Application.objects.received()
        .filter(round=round_)
        .select_related("committee", "focus_area", "assessment")
        .only(*OVERVIEW_FIELDS)
        .order_by("committee__name", "title")
    )
    if filters.get("committee"):
        queryset = queryset.filter(committee=filters["committee"])
    if filters.get("committee_kind"):
        queryset = queryset.filter(committee__kind=filters["committee_kind"])
    if filters.get("focus_area"):
        queryset = queryset.filter(focus_area=filters["focus_area"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("assessed") == "ja":
        queryset = queryset.filter(assessment__isnull=False)
    elif filters.get("assessed") == "nej":
        queryset = queryset.filter(assessment__isnull=True)
    return queryset


@dataclass(frozen=True)
class Totals:
    count: int
    applied: int
    proposed: int
    granted: int = 0


def totals(queryset: QuerySet[Application]) -> Totals:
    """Count and sums of exactly the applications shown (one query)."""
    result = queryset.order_by().aggregate(
        count=Count("pk"),
        applied=Sum("applied_amount"),
        proposed=Sum("assessment__proposed_amount"),
        granted=Sum("granted_amount"),
    )
    return Totals(
        count=result["count"],
        applied=result["applied"] or 0,
        proposed=result["proposed"] or 0,
        granted=result["granted"] or 0,
    )


def decisions_of(*, round_: Round) -> list[RoundDecision]:
    """The round's recorded decisions, the one in force first, with who recorded and
    reopened them (one query)."""
    return list(round_.decisions.in_record_order())


@dataclass(frozen=True)
class Outcome:
    """What an applicant is told once the round is decided: the decision in force and the
    latest finalised version of the round's decision document (a public record), if any."""

    decision: RoundDecision | None
    document_version: object | None


def outcome_of(*, round_: Round) -> Outcome | None:
    """The decided round's outcome for its applicants (two queries), None while undecided."""
    if not round_.is_decided:
        return None
    version = (
        DocumentVersion.objects.filter(document__round=round_, document__finalised=True)
        .order_by("-number")
        .first()
    )
    return Outcome(decision=round_.decisions.in_force(), document_version=version)


@dataclass(frozen=True)
class GroupSum:
    name: str
    count: int
    applied: int
    proposed: int


def _group_sums(round_: Round, field: str, empty: str) -> list[GroupSum]:
    rows = (
        Application.objects.received()
        .filter(round=round_)
        .values(field)
        .annotate(
            count=Count("pk"),
            applied=Sum("applied_amount"),
            proposed=Sum("assessment__proposed_amount"),
        )
        .order_by(field)
    )
    return [
        GroupSum(
            name=row[field] or empty,
            count=row["count"],
            applied=row["applied"] or 0,
            proposed=row["proposed"] or 0,
        )
        for row in rows
    ]


def sums_by_committee(*, round_: Round) -> list[GroupSum]:
    return _group_sums(round_, "committee__name", "")


def sums_by_focus_area(*, round_: Round) -> list[GroupSum]:
    return _group_sums(round_, "focus_area__name", "Inget fokusområde angivet")


def applicant_applications(*, user, round_: Round) -> QuerySet[Application]:
    """The applicant's own committee's applications in a round (all statuses)."""
    return (
        Application.objects.for_user(user)
        .filter(round=round_)
        .select_related("committee", "assessment")
        .order_by("-created_at")
    )


def applications_for_pages():
    """Applications with what their pages show (the access check reads round and committee)."""
    return Application.objects.select_related(
        "round__organisation",
        "committee",
        "focus_area",
        "consulted_committee",
        "assessment__assessor",
    ).prefetch_related("evidence", "costs", "attachments", "round__criteria")


def criterion_verdicts(*, application: Application) -> dict[int, object]:
    """The verdict per criterion of an application's assessment, if assessed."""
    assessment = getattr(application, "assessment", None)
    if assessment is None:
        return {}
    return {item.criterion_id: item for item in assessment.criteria.all()}


def applications_for_history():
    """Applications with what their Ändringshistorik reads."""
    return Application.objects.select_related("round__organisation", "committee")


def decision_applications(*, round_: Round) -> list[Application]:
    """The applications a round's decision covers: every one received, in overview order,
    with committee and assessment (one query)."""
    return list(
        Application.objects.received()
        .filter(round=round_)
        .select_related("committee", "assessment")
        .order_by("committee__name", "title", "pk")
    )
