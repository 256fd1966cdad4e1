"""Stockholm's demo round holds the totals of the tjänsteutlåtande Trygghetsinvesteringar
2024 exactly, with invented applications that say they are invented."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Sum

from applications.models import (
    DEFAULT_CRITERIA,
    Application,
    Assessment,
    Attachment,
    CostItem,
    Criterion,
    CriterionAssessment,
    Evidence,
    Round,
    RoundStatus,
    Verdict,
)
from trygghet.amounts import format_amount
from trygghet.demo import demo_load
from trygghet.models import Committee, CommitteeKind, User

ROUND_2024 = "Trygghetsinvesteringar 2024"


@pytest.fixture
def round_2024(demo):
    return Round.objects.get(organisation__name="Stockholms stad", name=ROUND_2024)


@pytest.fixture
def applications(round_2024):
    return Application.objects.filter(round=round_2024)


def test_the_round_as_the_seed_describes_it(round_2024):
    assert round_2024.year == 2024
    assert round_2024.status == RoundStatus.PROPOSAL
    assert round_2024.deciding_body.name == "Kommunstyrelsens ekonomi- och trygghetsutskott"
    assert format_amount(round_2024.frame, "mnkr") == "60,1"
    assert list(round_2024.criteria.values_list("text", flat=True)) == DEFAULT_CRITERIA
    assert "ska samråda med den stadsdelsnämnd" in round_2024.instructions


def test_48_applications_from_9_stadsdelsnamnder_and_4_facknamnder(applications):
    assert applications.count() == 48
    kinds = dict(
        Committee.objects.filter(applications__in=applications)
        .values("kind")
        .annotate(committees=Count("pk", distinct=True))
        .values_list("kind", "committees")
    )
    assert kinds == {CommitteeKind.STADSDELSNAMND: 9, CommitteeKind.FACKNAMND: 4}
    assert applications.filter(committee__name="Järva stadsdelsnämnd").exists()


def test_applied_and_proposed_totals_are_exactly_the_seeds(applications):
    assert applications.aggregate(total=Sum("applied_amount"))["total"] == 112_100_000
    granted = Assessment.objects.filter(application__in=applications, proposed_amount__gt=0)
    assert granted.count() == 35
    assert granted.aggregate(total=Sum("proposed_amount"))["total"] == 60_100_000
    assert Assessment.objects.filter(application__in=applications, proposed_amount=0).count() == 13


def test_each_applications_cost_items_sum_to_its_applied_amount(applications):
    for application in applications.annotate(costs_total=Sum("costs__amount")):
        assert application.costs_total == application.applied_amount, application.title


def test_every_application_is_submitted_with_evidence_and_a_contact(applications):
    for application in applications.annotate(evidence_count=Count("evidence")):
        assert application.status == "inskickad"
        assert (application.submitted_at.year, application.submitted_at.month) == (2023, 9)
        assert 1 <= application.evidence_count <= 3, application.title
        assert application.contact_email.endswith("@stockholm.se")
        assert application.focus_area is not None


def test_facknamnder_state_their_consultation_and_a_missing_one_is_motivated(applications):
    for application in applications.filter(committee__kind=CommitteeKind.FACKNAMND):
        assert application.consulted is not None, application.title
        if application.consulted:
            assert application.consulted_committee.kind == CommitteeKind.STADSDELSNAMND
        else:
            assert "samråd" in application.assessment.motivation.lower(), application.title


def test_every_reduced_or_rejected_assessment_is_motivated(applications):
    assessments = Assessment.objects.filter(application__in=applications).select_related(
        "application", "assessor"
    )
    assert assessments.count() == 48
    for assessment in assessments:
        applied = assessment.application.applied_amount
        assert 0 <= assessment.proposed_amount <= applied
        assert assessment.assessor.username == "sthlm-handlaggare"
        assert (assessment.assessed_at.year, assessment.assessed_at.month) == (2023, 10)
        if assessment.proposed_amount < applied:
            assert assessment.motivation.strip(), assessment.application.title
        if assessment.proposed_amount == 0:
            assert assessment.motivation.startswith("Beviljas inte")
        elif assessment.proposed_amount < applied:
            assert assessment.motivation.startswith("Beviljas delvis")


def test_verdicts_per_criterion_agree_with_the_outcome(applications):
    for assessment in Assessment.objects.filter(application__in=applications).select_related(
        "application"
    ):
        verdicts = list(
            assessment.criteria.order_by("criterion__order").values_list("verdict", flat=True)
        )
        title = assessment.application.title
        assert len(verdicts) == len(DEFAULT_CRITERIA), title
        if assessment.proposed_amount == 0:
            assert Verdict.NOT_MET in verdicts, title
        elif assessment.proposed_amount < assessment.application.applied_amount:
            assert Verdict.PARTLY in verdicts and Verdict.NOT_MET not in verdicts, title
        else:
            assert set(verdicts) == {Verdict.MET}, title


def test_the_illustrative_note_says_only_the_totals_come_from_the_source(round_2024):
    note = round_2024.illustrative_note
    assert "påhittade exempel" in note
    assert "tjänsteutlåtande Trygghetsinvesteringar 2024" in note
    for total in ("48 ansökningar", "112,1 mnkr", "35", "60,1 mnkr"):
        assert total in note


def test_an_open_2025_round_without_applications_for_the_applicant(demo):
    round_2025 = Round.objects.get(organisation__name="Stockholms stad", year=2025)
    assert round_2025.name == "Trygghetsinvesteringar 2025"
    assert round_2025.status == RoundStatus.OPEN
    assert round_2025.is_open
    assert format_amount(round_2025.frame, "mnkr") == "60,0"
    assert round_2025.criteria.count() == len(DEFAULT_CRITERIA)
    assert not round_2025.applications.exists()


def test_load_demo_lists_the_rounds(demo):
    assert demo.rounds == [ROUND_2024, "Trygghetsinvesteringar 2025"]


_MODELS = (Round, Criterion, Application, Evidence, CostItem, Assessment, CriterionAssessment)


def _counts():
    return [model.objects.count() for model in _MODELS]


@pytest.mark.django_db
def test_load_demo_twice_leaves_the_same_rounds():
    demo_load()
    counts = _counts()
    demo_load()
    assert _counts() == counts


@pytest.mark.django_db
def test_load_demo_restores_demo_rounds_changed_by_users():
    demo_load()
    counts = _counts()
    round_2024 = Round.objects.get(name=ROUND_2024)
    application = round_2024.applications.get(
        title="Belysning och öppnare siktlinjer på Rinkeby torg"
    )
    original_costs = list(application.costs.values_list("description", "amount"))
    application.problem = "Ändrad av en användare."
    application.applied_amount = 1
    application.save()
    application.costs.first().delete()
    application.evidence.create(kind="annat", description="Tillagt av en användare.")
    application.assessment.proposed_amount = 0
    application.assessment.save()
    application.assessment.criteria.first().delete()
    round_2024.criteria.create(text="Ett nytt kriterium", order=5)
    round_2024.status = RoundStatus.DECIDED
    round_2024.save()
    round_2025 = Round.objects.get(name="Trygghetsinvesteringar 2025")
    Application.objects.create(
        round=round_2025,
        committee=Committee.objects.get(name="Järva stadsdelsnämnd"),
        title="Ny ansökan",
        place="Husby",
        applied_amount=1_000_000,
    )
    round_2024.applications.exclude(pk=application.pk).first().delete()

    demo_load()

    assert _counts() == counts
    application.refresh_from_db()
    assert application.problem.startswith("Rinkeby torg upplevs som otryggt")
    assert application.applied_amount == 3_200_000
    assert list(application.costs.values_list("description", "amount")) == original_costs
    assert application.assessment.proposed_amount == 3_200_000
    assert Round.objects.get(name=ROUND_2024).status == RoundStatus.PROPOSAL
    assert not Application.objects.filter(round__name="Trygghetsinvesteringar 2025").exists()


def test_load_demo_removes_attachments_uploaded_to_a_demo_application(
    demo, django_capture_on_commit_callbacks
):
    application = Application.objects.get(title="Ljusare Hagsätra torg")
    attachment = Attachment(
        application=application,
        original_name="vandring.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=User.objects.get(username="sthlm-sokande"),
    )
    attachment.file.save("vandring.pdf", ContentFile(b"%PDF-1.4\n"))
    name = attachment.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        demo_load()

    assert not Attachment.objects.exists()
    assert not default_storage.exists(name)
