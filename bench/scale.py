"""Times the main pages at municipal scale (not a test): server time, query counts and
throughput under load on PostgreSQL.

Run: .venv/bin/python bench/scale.py   (or `make bench`)

It drops and re-creates its own PostgreSQL database (trygghet_bench on 127.0.0.1:5432, user
postgres; starts the local cluster if it is down) and fills it with the demo data plus 290
organisations, each with a package of 10 years × 12 budget lines, and one organisation with a
round of 2 000 applications. Then it

1. times each page with Django's test client (median and 95th percentile of BENCH_RUNS
   requests after a warm-up) and counts its queries, on the demo data and at scale;
2. renders the demo decision documents (bench/decision_documents.py) and the big round's;
3. serves the app with gunicorn on a free port and runs wrk against the year table
   (BENCH_WRK_SECONDS seconds, 32 connections, logged in).

Production settings throughout (DJANGO_DEBUG=0), with plain HTTP (DJANGO_SECURE_SSL_REDIRECT=0)
and static files from static/ (bench/serve.py).
"""

import datetime
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "trygghet_bench")
# Other people's databases: the bench drops its database, so it never uses these names.
FORBIDDEN_DATABASES = {"trygghet", "test_trygghet", "postgres", "template0", "template1"}
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
WARM_UP = 5
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "30"))
WRK_CONNECTIONS = 32
P95_TARGET_MS = 100

ORGANISATIONS = 290
YEARS = range(2016, 2026)  # the last one is a proposal, the others decided
LINES = 12
BIG_COMMITTEES = 40
APPLICATIONS = 2000
ASSESSED_SHARE = 0.9

if DATABASE_NAME in FORBIDDEN_DATABASES:
    sys.exit(f"BENCH_DATABASE={DATABASE_NAME} används av andra; välj ett eget namn.")
WORKDIR = Path(tempfile.mkdtemp(prefix="trygghet-scale-"))
BENCH_ENVIRONMENT = {
    "DATABASE_URL": f"{SERVER_URL}/{DATABASE_NAME}",
    "DJANGO_MEDIA_ROOT": str(WORKDIR / "media"),
    "DJANGO_SETTINGS_MODULE": "trygghet.settings",
    # Production settings, whatever `make` exports, with plain HTTP let through.
    "DJANGO_DEBUG": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}
os.environ.update(BENCH_ENVIRONMENT)


def ensure_postgres() -> None:
    """Start the local cluster if nothing answers on the server URL."""
    import psycopg

    try:
        psycopg.connect(f"{SERVER_URL}/postgres", connect_timeout=3).close()
        return
    except psycopg.OperationalError:
        pass
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").exists() else []
    if not versions or not shutil.which("pg_ctlcluster"):
        sys.exit(
            f"PostgreSQL svarar inte på {SERVER_URL} och ingen lokal klusterinstallation hittades."
        )
    print(f"Startar PostgreSQL {versions[-1]} …")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True
    )
    psycopg.connect(f"{SERVER_URL}/postgres", connect_timeout=10).close()


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        name = sql.Identifier(DATABASE_NAME)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


ensure_postgres()
recreate_database()

import django  # noqa: E402  (after the environment is set)

django.setup()

import serve  # noqa: E402, F401  (enables static files from static/, as gunicorn gets them)
from decision_documents import demo_document_timings, document_seconds  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from allocations.models import (  # noqa: E402
    Amount,
    AmountKind,
    BudgetLine,
    BudgetLineLabel,
    Package,
    PackageYear,
    YearStatus,
)
from applications.models import (  # noqa: E402
    DEFAULT_CRITERIA,
    Application,
    ApplicationStatus,
    Assessment,
    CostItem,
    Criterion,
    CriterionAssessment,
    Evidence,
    EvidenceKind,
    Round,
    RoundStatus,
    Verdict,
)
from documents import services as document_services  # noqa: E402
from trygghet import roles  # noqa: E402
from trygghet.demo import demo_load  # noqa: E402
from trygghet.models import (  # noqa: E402
    Committee,
    CommitteeKind,
    FocusArea,
    Organisation,
    Programme,
    User,
)

# --- The data ------------------------------------------------------------------------------

BIG_ORGANISATION = "Skalstads kommun"
BIG_OFFICIAL = "skal-handlaggare"
BIG_APPLICANT = "skal-sokande"
BIG_ROUND = "Skalinvesteringar 2025"
TEXT = (
    "Platsen upplevs som otrygg kvällstid: dålig belysning, skymd sikt och nedskräpning. "
    "Trygghetsvandringen visade att boende undviker gångvägen efter mörkrets inbrott. "
)


@dataclass
class BigData:
    package: Package
    round_: Round
    applicant_committee: Committee


@transaction.atomic
def build_scale_data() -> BigData:
    """290 organisations with a package each; the first also has the big round."""
    hashed = make_password("bench-trygghet")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=BIG_ORGANISATION if number == 0 else f"Skalkommun {number:03d}",
            inhabitants=50_000 + number * 1_000,
            amount_unit="mkr",
            reference_pattern="KS-ÅÅÅÅ-NNNN",
        )
        for number in range(ORGANISATIONS)
    )
    big = organisations[0]
    committee_names = ["Kommunstyrelsen"] + [
        f"Nämnd {number}" for number in range(1, BIG_COMMITTEES)
    ]
    committees = Committee.objects.bulk_create(
        Committee(
            organisation=organisation,
            name=name,
            kind=CommitteeKind.KOMMUNSTYRELSE
            if index == 0
            else (CommitteeKind.STADSDELSNAMND if index % 3 == 0 else CommitteeKind.FACKNAMND),
        )
        for organisation in organisations
        for index, name in enumerate(
            committee_names[: BIG_COMMITTEES if organisation is big else 5]
        )
    )
    committees_of: dict[int, list[Committee]] = {}
    for committee in committees:
        committees_of.setdefault(committee.organisation_id, []).append(committee)

    packages = Package.objects.bulk_create(
        Package(organisation=organisation, name="Skalpaketet") for organisation in organisations
    )
    frame = LINES * 1_000_000
    PackageYear.objects.bulk_create(
        PackageYear(
            package=package,
            year=year,
            frame=frame,
            deciding_body=committees_of[package.organisation_id][0],
            status=YearStatus.PROPOSAL if year == YEARS[-1] else YearStatus.DECIDED,
        )
        for package in packages
        for year in YEARS
    )
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            package=package,
            name=f"Insats {number}",
            recipient=committees_of[package.organisation_id][
                number % len(committees_of[package.organisation_id])
            ],
            order=number,
            active_from=YEARS[0],
        )
        for package in packages
        for number in range(1, LINES + 1)
    )
    # Two lines of each package were renamed half-way, as Nacka's were.
    BudgetLineLabel.objects.bulk_create(
        BudgetLineLabel(line=line, from_year=from_year, label=label)
        for line in lines
        if line.order <= 2
        for from_year, label in ((YEARS[0], f"{line.name} (tidigare namn)"), (2021, line.name))
    )
    amounts = []
    for line in lines:
        # Pairs of lines move money between them, so each year's lines sum to the frame.
        shift = (line.order % 2 * 2 - 1) * 100_000 * (line.pk % 3)
        for year in YEARS:
            proposal = 1_000_000 + shift
            amounts.append(Amount(line=line, year=year, kind=AmountKind.PROPOSAL, amount=proposal))
            if year != YEARS[-1]:
                amounts.append(
                    Amount(line=line, year=year, kind=AmountKind.BUDGET, amount=proposal)
                )
                outcome = proposal * (40 + (line.pk * 7 + year) % 70) // 100
                amounts.append(
                    Amount(line=line, year=year, kind=AmountKind.OUTCOME, amount=outcome)
                )
    Amount.objects.bulk_create(amounts, batch_size=5000)

    official_group = Group.objects.get(name=roles.OFFICIAL)
    users = User.objects.bulk_create(
        User(
            username=BIG_OFFICIAL if organisation is big else f"skal-handlaggare-{number:03d}",
            first_name="Bänk",
            last_name="Handläggare",
            organisation=organisation,
            password=hashed,
        )
        for number, organisation in enumerate(organisations)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=official_group.pk) for user in users
    )
    applicant_committee = committees_of[big.pk][3]
    applicant = User.objects.create(
        username=BIG_APPLICANT,
        first_name="Bänk",
        last_name="Sökande",
        organisation=big,
        committee=applicant_committee,
        password=hashed,
    )
    applicant.groups.add(Group.objects.get(name=roles.APPLICANT))

    round_ = _build_round(big, committees_of[big.pk], assessor=users[0])
    return BigData(package=packages[0], round_=round_, applicant_committee=applicant_committee)


def _build_round(organisation: Organisation, committees: list[Committee], assessor) -> Round:
    programme = Programme.objects.create(
        organisation=organisation,
        name="Trygghetsprogram 2024–2027",
        first_year=2024,
        last_year=2027,
    )
    focus_areas = FocusArea.objects.bulk_create(
        FocusArea(programme=programme, name=name, order=order)
        for order, name in enumerate(
            ["Trygga offentliga miljöer", "Brottsförebyggande samverkan", "Unga", "Övrigt"],
            start=1,
        )
    )
    round_ = Round.objects.create(
        organisation=organisation,
        name=BIG_ROUND,
        year=2025,
        frame=400_000_000,
        opens_on=datetime.date(2025, 1, 15),
        closes_on=datetime.date(2025, 3, 15),
        deciding_body=committees[0],
        status=RoundStatus.PROPOSAL,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, text=text, order=order)
        for order, text in enumerate(DEFAULT_CRITERIA, start=1)
    )
    submitted_at = timezone.make_aware(datetime.datetime(2025, 3, 10, 12, 0))
    applicants = committees[1:]
    applications = Application.objects.bulk_create(
        (
            Application(
                round=round_,
                committee=applicants[number % len(applicants)],
                title=f"Trygghetsåtgärd {number:04d}",
                place=f"Gångvägen vid kvarter {number % 300}",
                problem=TEXT * 3,
                measure="Ny belysning, röjning av buskage och bättre sikt längs gångvägen.",
                expected_effect="Fler rör sig på platsen kvällstid och upplever den som trygg.",
                focus_area=focus_areas[number % len(focus_areas)],
                applied_amount=100_000 + (number * 37_000) % 1_900_000,
                contact_name="Kontaktperson",
                contact_email="kontakt@skalstad.se",
                status=ApplicationStatus.DRAFT
                if number % 100 == 99
                else ApplicationStatus.RETURNED
                if number % 50 == 7
                else ApplicationStatus.SUBMITTED,
                submitted_at=None if number % 100 == 99 else submitted_at,
            )
            for number in range(APPLICATIONS)
        ),
        batch_size=1000,
    )
    Evidence.objects.bulk_create(
        Evidence(
            application=application,
            kind=EvidenceKind.WALK,
            date=datetime.date(2024, 10, 1),
            description="Trygghetsvandring med boende",
        )
        for application in applications
    )
    CostItem.objects.bulk_create(
        CostItem(application=application, description=description, amount=amount)
        for application in applications
        for description, amount in (
            ("Material", application.applied_amount // 2),
            ("Arbete", application.applied_amount - application.applied_amount // 2),
        )
    )
    assessed_at = timezone.make_aware(datetime.datetime(2025, 4, 1, 9, 0))
    assessed = [
        application
        for application in applications
        if application.status != ApplicationStatus.DRAFT
        and application.pk % 10 < ASSESSED_SHARE * 10
    ]
    assessments = Assessment.objects.bulk_create(
        Assessment(
            application=application,
            proposed_amount=application.applied_amount if index % 3 else 0,
            motivation=""
            if index % 3
            else "Åtgärden är inte kopplad till den beskrivna otryggheten.",
            assessor=assessor,
            assessed_at=assessed_at,
        )
        for index, application in enumerate(assessed)
    )
    verdicts = [Verdict.MET, Verdict.PARTLY, Verdict.NOT_MET]
    CriterionAssessment.objects.bulk_create(
        (
            CriterionAssessment(
                assessment=assessment,
                criterion=criterion,
                verdict=verdicts[(assessment.pk + criterion.order) % 3],
            )
            for assessment in assessments
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return round_


def build() -> BigData:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    data = build_scale_data()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time anyone looks
    counts = {
        "organisationer": Organisation.objects.count(),
        "år": PackageYear.objects.count(),
        "budgetposter": BudgetLine.objects.count(),
        "belopp": Amount.objects.count(),
        "ansökningar": Application.objects.count(),
        "bedömningar": Assessment.objects.count(),
    }
    print(
        f"Databasen {DATABASE_NAME} byggd på {time.perf_counter() - start:.0f} s: "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
    )
    return data


# --- Pages ---------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    small: tuple[str, str]  # (username, url) on the demo data
    large: tuple[str, str]  # the same page at scale


@dataclass
class PageResult:
    name: str
    p50_ms: float
    p95_ms: float
    cpu_ms: float  # median CPU time of this process: the part contention does not inflate
    queries_small: int
    queries_large: int

    @property
    def target_met(self) -> bool:
        return self.p95_ms < P95_TARGET_MS and self.queries_small == self.queries_large


def pages(data: BigData) -> list[Page]:
    nacka = Package.objects.get(organisation__name="Nacka kommun", name="Trygghetspaketet")
    stockholm = Round.objects.get(name="Trygghetsinvesteringar 2024")
    big_package, big_round = data.package, data.round_
    last_year = YEARS[-1]
    received = Application.objects.filter(round=big_round).exclude(status=ApplicationStatus.DRAFT)
    last_page = -(-received.count() // 50)  # the overview shows 50 a page
    return [
        Page(
            "Årstabell (year-detail)",
            ("nacka-handlaggare", reverse("allocations:year-detail", args=[nacka.pk, 2024])),
            (BIG_OFFICIAL, reverse("allocations:year-detail", args=[big_package.pk, last_year])),
        ),
        Page(
            "År för år, 10 år (multi-year)",
            ("nacka-handlaggare", reverse("allocations:multi-year", args=[nacka.pk]) + "?antal=10"),
            (BIG_OFFICIAL, reverse("allocations:multi-year", args=[big_package.pk]) + "?antal=10"),
        ),
        Page(
            "Ange förslag (allocation-edit)",
            (
                "nacka-handlaggare",
                reverse("allocations:allocation-edit", args=[nacka.pk, 2024, "forslag"]),
            ),
            (
                BIG_OFFICIAL,
                reverse("allocations:allocation-edit", args=[big_package.pk, last_year, "forslag"]),
            ),
        ),
        Page(
            "Omgångens översikt, sida 1",
            ("sthlm-handlaggare", reverse("applications:round-detail", args=[stockholm.pk])),
            (BIG_OFFICIAL, reverse("applications:round-detail", args=[big_round.pk])),
        ),
        Page(
            "Omgångens översikt, sista sidan",
            ("sthlm-handlaggare", reverse("applications:round-detail", args=[stockholm.pk])),
            (
                BIG_OFFICIAL,
                reverse("applications:round-detail", args=[big_round.pk]) + f"?page={last_page}",
            ),
        ),
        Page(
            "Sökandens ansökningar (round-detail)",
            ("sthlm-sokande", reverse("applications:round-detail", args=[stockholm.pk])),
            (BIG_APPLICANT, reverse("applications:round-detail", args=[big_round.pk])),
        ),
        Page(
            "Startsidan",
            ("nacka-handlaggare", reverse("start")),
            (BIG_OFFICIAL, reverse("start")),
        ),
    ]


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} svarade {response.status_code}")
    return len(queries)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_page(client: Client, url: str, runs: int) -> tuple[float, float, float]:
    """Median and 95th percentile of the wall time and median CPU time in milliseconds,
    after a warm-up."""
    for _ in range(WARM_UP):
        client.get(url)
    times, cpu_times = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} svarade {response.status_code}")
    return statistics.median(times), percentile(times, 0.95), statistics.median(cpu_times)


def measure_pages(data: BigData) -> list[PageResult]:
    results = []
    load = os.getloadavg()[0]
    print(f"Belastning före sidmätningen (loadavg 1 min): {load:.1f} på {os.cpu_count()} kärnor")
    for page in pages(data):
        small_client = logged_in(page.small[0])
        large_client = logged_in(page.large[0])
        # Counted after one request each, so per-process caches (content types,
        # permissions of the user) are as warm as they are in a running server.
        small_client.get(page.small[1])
        large_client.get(page.large[1])
        queries_small = query_count(small_client, page.small[1])
        queries_large = query_count(large_client, page.large[1])
        p50, p95, cpu = time_page(large_client, page.large[1], RUNS)
        results.append(PageResult(page.name, p50, p95, cpu, queries_small, queries_large))
    return results


# --- Documents -----------------------------------------------------------------------------


def measure_documents(data: BigData) -> list[tuple[str, float, float | None]]:
    """The demo documents (data, HTML and PDF) and the big round's, HTML alone and with PDF."""
    from decision_documents import median_seconds

    from documents.rendering import render_html

    results = demo_document_timings(runs=5)
    big = document_services.document_get_or_create(
        round_=data.round_, by=User.objects.get(username=BIG_OFFICIAL)
    )
    results.append(
        (
            f"{BIG_ROUND}, bilaga med {APPLICATIONS} ansökningar, HTML",
            median_seconds(lambda: render_html(big), 3),
            1.0,
        )
    )
    results.append(
        (f"{BIG_ROUND}, bilaga med {APPLICATIONS} ansökningar, PDF", document_seconds(big, 1), None)
    )
    return results


# --- Load ----------------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests_per_second: float
    requests: int
    non_2xx: int
    socket_errors: int
    latency_p50: str
    latency_p99: str
    workers: int


# Counts every answer that is not 2xx (wrk's own count lets 3xx through, and a redirect to
# the login page would be a failure here).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non2xx") end
  io.write(string.format("non2xx %d\\n", total))
end
"""


def ensure_wrk() -> str | None:
    """wrk's path, installing the Debian package when we are root; None if it cannot be had."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk saknas: installerar Debian-paketet wrk …")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=environment, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env=environment,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        return shutil.which("wrk")
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn avslutades innan den svarade")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn svarade inte på {url} inom {seconds:.0f} s")


def plain_status(url: str, cookie: str) -> int:
    """The status of one GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_load(data: BigData, wrk: str) -> LoadResult:
    client = logged_in(BIG_OFFICIAL)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    workers = 2 * (os.cpu_count() or 1) + 1  # gunicorn's advice for sync workers
    path = reverse("allocations:year-detail", args=[data.package.pk, YEARS[-1]])
    url = f"http://127.0.0.1:{port}{path}"
    log = (WORKDIR / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(BENCH_DIR),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "serve:application",
        ],
        env={**os.environ, **BENCH_ENVIRONMENT},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/logga-in/", server)
        status = plain_status(url, cookie)
        if status != 200:
            raise RuntimeError(f"Årstabellen svarade {status} i gunicorn (inte inloggad?)")
        script = WORKDIR / "count.lua"
        script.write_text(WRK_SCRIPT)
        output = subprocess.run(
            [
                wrk,
                "--threads",
                "2",
                "--connections",
                str(WRK_CONNECTIONS),
                "--duration",
                f"{WRK_SECONDS}s",
                "--timeout",
                "10s",
                "--latency",
                "--header",
                f"Cookie: {cookie}",
                "--script",
                str(script),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    (WORKDIR / "wrk.txt").write_text(output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    return LoadResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        non_2xx=int(re.search(r"non2xx (\d+)", output).group(1)),
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        latency_p50=latency.get("50", "?"),
        latency_p99=latency.get("99", "?"),
        workers=workers,
    )


# --- Report --------------------------------------------------------------------------------


def print_report(
    results: list[PageResult],
    load: LoadResult | str,
    documents: list[tuple[str, float, float | None]],
) -> None:
    print()
    print(
        f"Belastning nu (loadavg 1 min): {os.getloadavg()[0]:.1f} på {os.cpu_count()} kärnor; "
        "väggtiden växer med belastningen, CPU-tiden (Python-sidan) gör det knappt."
    )
    print(
        f"Sidor: serverns tid med Djangos testklient, {RUNS} anrop efter {WARM_UP} "
        f"uppvärmning; frågor på demodatan (liten) och i stor skala"
    )
    header = (
        f"{'Sida':38} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>7} "
        f"{'frågor liten':>13} {'frågor stor':>12}  mål"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        verdict = "ok" if result.target_met else "MISSAT"
        notes = []
        if result.p95_ms >= P95_TARGET_MS:
            notes.append(f"p95 ≥ {P95_TARGET_MS} ms")
        if result.queries_small != result.queries_large:
            notes.append("olika antal frågor")
        print(
            f"{result.name:38} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {result.cpu_ms:7.1f} "
            f"{result.queries_small:13d} {result.queries_large:12d}  {verdict}"
            + (f" ({', '.join(notes)})" if notes else "")
        )
    print()
    if isinstance(load, str):
        print(f"wrk: {load}")
    else:
        errors = load.non_2xx + load.socket_errors
        print(
            f"wrk mot årstabellen ({WRK_SECONDS} s, {WRK_CONNECTIONS} anslutningar, gunicorn med "
            f"{load.workers} workers): {load.requests_per_second:.1f} anrop/s, {load.requests} "
            f"anrop, fel: {load.non_2xx} ej 2xx + {load.socket_errors} socketfel "
            f"(latens p50 {load.latency_p50}, p99 {load.latency_p99})  "
            + ("ok" if errors == 0 else "MISSAT")
        )
    print()
    print(f"{'Dokument':62} {'median':>10} {'mål':>9}")
    for name, seconds, target in documents:
        if target is None:  # measured once, for information
            print(f"{name:62} {seconds * 1000:8.0f} ms {'–':>10}")
            continue
        verdict = "ok" if seconds < target else "ÖVER MÅLET"
        print(f"{name:62} {seconds * 1000:8.0f} ms {target * 1000:7.0f} ms  {verdict}")


def main() -> None:
    data = build()
    results = measure_pages(data)
    wrk = ensure_wrk()
    if wrk is None:
        load = (
            "kördes inte: wrk saknas och kan inte installeras här "
            "(installera Debian-paketet wrk som root: apt-get install wrk)"
        )
    else:
        load = run_load(data, wrk)
    documents = measure_documents(data)
    print_report(results, load, documents)


if __name__ == "__main__":
    main()
