"""WCAG 2.1 AA: axe-core on every page each demo role reaches, and on states a crawl can't.

Each role logs in once and crawls breadth-first over same-origin links from the start page,
so pages added later are checked without touching this file. URLs are deduplicated by the
view they resolve to: a few of each view per role is enough to see every template.
"""

from collections import deque
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.base import AXE_FILE_PATH
from django.db.models import Count
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from allocations.models import PackageYear
from applications.models import Round, RoundStatus
from documents import services as document_services
from trygghet.demo import DEMO_PASSWORD
from trygghet.models import User

ROLES = [
    "nacka-handlaggare",
    "nacka-ledamot",
    "sthlm-handlaggare",
    "sthlm-sokande",
    "linkoping-handlaggare",
    "admin",
]
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
    "resultTypes": ["violations"],
}
# Distinct URLs checked per view and role (e.g. two rounds, two applications), and a
# ceiling per role that only a runaway crawl would reach.
PER_VIEW = 2
MAX_PAGES = 80
# Files, not pages: never navigated to.
FILE_SUFFIXES = (".pdf", ".csv", ".xlsx", ".xls", ".zip", ".png", ".jpg", ".jpeg", ".svg")


def with_axe(page):
    """The page, with axe-core (bundled by axe-playwright-python) loaded into every document."""
    page.context.add_init_script(path=AXE_FILE_PATH)
    return page


def axe_violations(page, label: str) -> list[tuple[str, str, str]]:
    """(rule, target selector, page) for every failing element of the page."""
    response = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        (f"{violation['id']} ({violation['impact']}): {violation['help']}", target, label)
        for violation in response["violations"]
        for node in violation["nodes"]
        for target in [" ".join(node["target"])]
    ]


def assert_no_violations(violations: list[tuple[str, str, str]], checked: list[str]):
    """Fails listing each rule, its target selectors and the pages they are on."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for rule, target, label in violations:
        grouped.setdefault(rule, {}).setdefault(target, []).append(label)
    lines = []
    for rule, targets in grouped.items():
        lines.append(rule)
        for target, labels in targets.items():
            more = f" och {len(labels) - 3} till" if len(labels) > 3 else ""
            shown = ", ".join(labels[:3]) + more
            lines.append(f"  {target}  på {shown}")
    assert not violations, (
        f"{len(violations)} WCAG-brister på {len(checked)} kontrollerade sidor:\n"
        + "\n".join(lines)
    )


def crawl_candidates(page, origin: str) -> list[str]:
    """Same-origin links of the page, fragments dropped; file downloads left out."""
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(link => link.href)"
    )
    urls = []
    for href in hrefs:
        url = urldefrag(href).url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if parts.path.lower().endswith(FILE_SUFFIXES):
            continue
        urls.append(url)
    return urls


def crawl(page, *, origin: str, role: str, admin_index: bool) -> tuple[list[str], list[tuple]]:
    """Visit every page type the role reaches from the start page; axe each one."""
    queue = deque([f"{origin}/"])
    seen = {f"{origin}/"}
    per_view: dict[str, int] = {}
    checked, violations = [], []
    while queue and len(checked) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if path.startswith("/admin/") and not (admin_index and path == "/admin/"):
            continue
        try:
            view_name = resolve(path).view_name
        except Resolver404:
            view_name = "404"
        if view_name == "logout" or per_view.get(view_name, 0) >= PER_VIEW:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            # An attachment answered with Content-Disposition: a download, not a page.
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        # A link that ends in a server error is a fault too; the crawl is where it shows.
        if response.status >= 500:
            violations.append(("serverfel", f"HTTP {response.status}", f"{role} {path}"))
            continue
        per_view[view_name] = per_view.get(view_name, 0) + 1
        shown = urlsplit(page.url)
        label = f"{role} {shown.path}" + (f"?{shown.query}" if shown.query else "")
        checked.append(label)
        violations += axe_violations(page, label)
        for link in crawl_candidates(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return checked, violations


def log_in(page, origin: str, username: str):
    page.goto(f"{origin}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{origin}/")


def latest_year(organisation: str) -> PackageYear:
    years = PackageYear.objects.filter(package__organisation__name=organisation)
    return years.order_by("-year").first()


def largest_round(organisation: str) -> Round:
    rounds = Round.objects.filter(organisation__name=organisation)
    return rounds.annotate(count=Count("applications")).order_by("-count").first()


def add_decision_documents():
    """The demo data has no decision documents: a draft for Nacka's latest year and for
    Stockholm's largest round, a finalised one for Linköping, so the crawl reaches them."""
    document_services.document_get_or_create(package_year=latest_year("Nacka kommun"))
    document_services.document_get_or_create(round_=largest_round("Stockholms stad"))
    finalised = document_services.document_get_or_create(
        package_year=latest_year("Linköpings kommun")
    )
    official = User.objects.get(username="linkoping-handlaggare")
    document_services.document_finalise(document=finalised, by=official)


def test_every_page_each_role_reaches_meets_wcag_aa(new_context, demo_live):
    """One test for all roles: the demo data is loaded once, and each role logs in once."""
    add_decision_documents()
    checked, violations = [], []
    for role in ROLES:
        page = with_axe(new_context().new_page())
        log_in(page, demo_live.url, role)
        role_checked, role_violations = crawl(
            page, origin=demo_live.url, role=role, admin_index=(role == "admin")
        )
        # The crawl got past the start page: links are found and followed.
        assert len(role_checked) > 3, role_checked
        checked += role_checked
        violations += role_violations
        page.context.close()
    assert_no_violations(violations, checked)


def test_pages_without_login_meet_wcag_aa(page, transactional_db, live_server):
    """The login page (also with errors), the statement and the 404 page, logged out."""
    page = with_axe(page)
    origin = live_server.url
    checked, violations = [], []

    def check(label: str):
        checked.append(label)
        violations.extend(axe_violations(page, label))

    page.goto(f"{origin}/logga-in/")
    check("inloggningssidan")
    page.get_by_label("Användarnamn").fill("nacka-handlaggare")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    page.locator("#login-fel").wait_for()
    check("inloggning med fel lösenord")
    page.get_by_label("Lösenord").fill("")
    page.get_by_label("Användarnamn").fill("")
    page.get_by_role("button", name="Logga in").click()
    page.locator(".invalid-feedback").first.wait_for()
    check("inloggning med tomma fält")
    page.goto(f"{origin}/tillganglighet/")
    check("tillgänglighetsredogörelsen")
    response = page.goto(f"{origin}/finns-inte/")
    assert response.status == 404
    check("404 utloggad")
    assert_no_violations(violations, checked)


def test_states_a_crawl_does_not_reach_meet_wcag_aa(page, login, demo_live):
    """Forms shown again with errors, the 404 page and a phone's width: no link leads there."""
    page = with_axe(page)
    checked, violations = [], []

    def check(label: str):
        checked.append(label)
        violations.extend(axe_violations(page, label))

    url = login("nacka-handlaggare")
    response = page.goto(url("/finns-inte/"))
    assert response.status == 404
    check("404 inloggad")

    # An allocation with an amount that can't be read.
    package_year = latest_year("Nacka kommun")
    page.goto(url(f"/paket/{package_year.package_id}/ar/{package_year.year}/forslag/"))
    page.locator("input.amount-input").first.fill("mycket")
    page.get_by_role("button", name="Spara och markera som förslag").click()
    page.locator("#formularfel").wait_for()
    check("fördelning med felaktigt belopp")

    # A new application sent without the required fields.
    page.context.clear_cookies()
    log_in(page, demo_live.url, "sthlm-sokande")
    open_round = Round.objects.filter(
        organisation__name="Stockholms stad", status=RoundStatus.OPEN
    ).first()
    assert open_round is not None, "demodata saknar en öppen omgång i Stockholm"
    page.goto(url(f"/omgang/{open_round.pk}/ny-ansokan/"))
    page.get_by_role("button", name="Spara utkast").click()
    page.locator("#formularfel").wait_for()
    # The summary of errors takes focus, so a screen reader reads it first.
    expect(page.locator("#formularfel")).to_be_focused()
    check("ansökan med saknade fält")

    # A phone's width: the menu collapses and wide tables scroll inside their wrapper,
    # which must then be a named region a keyboard user can focus (WCAG 2.1.1).
    page.context.clear_cookies()
    log_in(page, demo_live.url, "sthlm-handlaggare")
    page.set_viewport_size({"width": 375, "height": 740})
    big_round = largest_round("Stockholms stad")
    for path in ("/", f"/omgang/{big_round.pk}/", f"/omgang/{big_round.pk}/importera/"):
        page.goto(url(path))
        check(f"mobilbredd {path}")
    assert_no_violations(violations, checked)
