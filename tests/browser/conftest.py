"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Screenshots of a failing test's last page land in test-artifacts/ (see pyproject's addopts).
"""

import os
import shutil

import pytest

from trygghet.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Chromium saknas: installera Debian-paketet chromium (scripts/ensure-system-packages "
            "gör det som root)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "accept_downloads": True}


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The demo data behind a live server."""
    from trygghet.demo import demo_load

    demo_load()
    return live_server


@pytest.fixture
def login(page, demo_live):
    """Log in through the login page like a person would; returns a URL helper."""

    def log_in(username: str):
        page.goto(f"{demo_live.url}/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{demo_live.url}/")
        return lambda path: f"{demo_live.url}{path}"

    return log_in
