"""Times the main pages at municipal scale (not a test): server time, query counts and
throughput under load on PostgreSQL.

Run: .venv/bin/python bench/scale.py   (or `make bench`)

Under main() only, it drops and re-creates its own PostgreSQL database (trygghet_bench on
127.0.0.1:5432, user postgres; starts the local cluster if it is down) and fills it with the
demo data plus 290 organisations, each with a package of 10 years × 12 budget lines, and one
organisation with a round of 2 000 applications (bench/scale_data.py). Then it

1. times each page with Django's test client (median and 95th percentile of BENCH_RUNS
   requests after a warm-up) and counts its queries, on the demo data and at scale;
2. renders the demo decision documents (bench/decision_documents.py) and the big round's;
3. serves the app with gunicorn on a free port and runs wrk against the year table
   (BENCH_WRK_SECONDS seconds, 32 connections, logged in).

Production settings throughout (DJANGO_DEBUG=0), with plain HTTP (DJANGO_SECURE_SSL_REDIRECT=0)
and static files from static/ (bench/serve.py).
"""

from __future__ import annotations

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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client
    from scale_data import BigData

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "trygghet_bench")
# Other people's databases: the bench drops its database, so it never uses these names.
FORBIDDEN_DATABASES = {"trygghet", "test_trygghet", "postgres", "template0", "template1"}
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
WARM_UP = 5
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "30"))
WRK_CONNECTIONS = 32
P95_TARGET_MS = 100


def bench_environment(workdir: Path) -> dict[str, str]:
    """The environment Django runs with in the bench: its own database, production settings."""
    return {
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE_NAME}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "trygghet.settings",
        # Production settings, whatever `make` exports, with plain HTTP let through.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }


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


def prepare(workdir: Path) -> None:
    """Point Django at the bench's own database, re-create that database and set Django up."""
    if DATABASE_NAME in FORBIDDEN_DATABASES:
        sys.exit(f"BENCH_DATABASE={DATABASE_NAME} används av andra; välj ett eget namn.")
    os.environ.update(bench_environment(workdir))
    ensure_postgres()
    recreate_database()
    for path in (str(ROOT), str(BENCH_DIR)):
        if path not in sys.path:
            sys.path.insert(0, path)

    import django

    django.setup()

    import serve  # noqa: F401  (enables static files from static/, as gunicorn gets them)


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
    from django.urls import reverse
    from scale_data import BIG_APPLICANT, BIG_OFFICIAL, YEARS

    from allocations.models import Package
    from applications.models import Application, ApplicationStatus, Round

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
    from django.test import Client

    from trygghet.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def query_count(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
    from decision_documents import demo_document_timings, document_seconds, median_seconds
    from scale_data import APPLICATIONS, BIG_OFFICIAL, BIG_ROUND

    from documents import services as document_services
    from documents.rendering import render_html
    from trygghet.models import User

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


def run_load(data: BigData, wrk: str, workdir: Path) -> LoadResult:
    from django.urls import reverse
    from scale_data import BIG_OFFICIAL, YEARS

    client = logged_in(BIG_OFFICIAL)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    workers = 2 * (os.cpu_count() or 1) + 1  # gunicorn's advice for sync workers
    path = reverse("allocations:year-detail", args=[data.package.pk, YEARS[-1]])
    url = f"http://127.0.0.1:{port}{path}"
    log = (workdir / "gunicorn.log").open("w")
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
        env=os.environ,  # the bench's, as prepare() set them
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/logga-in/", server)
        status = plain_status(url, cookie)
        if status != 200:
            raise RuntimeError(f"Årstabellen svarade {status} i gunicorn (inte inloggad?)")
        script = workdir / "count.lua"
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
    (workdir / "wrk.txt").write_text(output)
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
    workdir = Path(tempfile.mkdtemp(prefix="trygghet-scale-"))
    prepare(workdir)
    from scale_data import build

    data = build()
    results = measure_pages(data)
    wrk = ensure_wrk()
    if wrk is None:
        load = (
            "kördes inte: wrk saknas och kan inte installeras här "
            "(installera Debian-paketet wrk som root: apt-get install wrk)"
        )
    else:
        load = run_load(data, wrk, workdir)
    documents = measure_documents(data)
    print_report(results, load, documents)


if __name__ == "__main__":
    main()
