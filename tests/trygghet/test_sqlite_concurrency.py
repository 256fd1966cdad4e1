"""The default database holds concurrent use: eight officials save at the same moment
against a real server (gunicorn, four processes) on a SQLite file, as `make run` and the
README's default set-up do. Every save is stored or refused with a message; none is a 500
"database is locked" that loses what was typed."""

import http.cookiejar
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from trygghet.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
# Four processes of two threads: eight requests at once, across processes as in production.
WORKERS = ["--workers", "4", "--threads", "2", "--timeout", "60"]
ROUND = "Trygghetsinvesteringar 2024"


class FormFields(HTMLParser):
    """The fields a browser would send from the page's POST form: inputs, the checked (or
    else the first) radio of each group, and textareas."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") == "radio":
                if "checked" in attrs or name not in self.fields:
                    self.fields[name] = attrs.get("value", "")
            elif attrs.get("type") not in {"submit", "checkbox", "file"}:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in self.fields:
                self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


class Official:
    """One browser: its own cookies, its own session."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form(self, path: str) -> dict:
        parser = FormFields()
        parser.feed(self.get(path))
        return parser.fields

    def log_in(self, username: str) -> None:
        fields = self.form("/logga-in/")
        fields.update(username=username, password=DEMO_PASSWORD)
        status, page = self.post("/logga-in/", fields)
        assert status == 200 and "Logga ut" in page, page[:500]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    """The demo on a fresh SQLite file behind gunicorn with four worker processes."""
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "1",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "trygghet.wsgi", f"--bind=127.0.0.1:{port}", *WORKERS],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/logga-in/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn startade inte")
            time.sleep(0.2)
    yield base, database
    server.terminate()
    server.wait(timeout=30)


def at_once(posts: list[tuple[Official, str, dict]]) -> list[tuple[int, str]]:
    """Every official presses Spara at the same moment; their answers in the same order."""
    start = threading.Barrier(len(posts))
    answers: list = [None] * len(posts)

    def save(index, official, path, fields):
        start.wait()
        answers[index] = official.post(path, fields)

    threads = [
        threading.Thread(target=save, args=(index, *post)) for index, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_eight_officials_saving_assessments_at_once_are_all_stored(sqlite_server):
    base, database = sqlite_server
    with sqlite3.connect(database) as db:
        applications = [
            row[0]
            for row in db.execute(
                "SELECT a.id FROM applications_application a "
                "JOIN applications_round r ON r.id = a.round_id "
                "WHERE r.name = ? AND a.status != 'utkast' ORDER BY a.id LIMIT ?",
                (ROUND, WRITERS),
            )
        ]
    assert len(applications) == WRITERS

    officials, forms = [], []
    for application in applications:
        official = Official(base)
        official.log_in("sthlm-handlaggare")
        fields = official.form(f"/ansokan/{application}/bedomning/")
        fields.update(proposed_amount="0", motivation=f"Parallell bedömning {application}")
        officials.append(official)
        forms.append(fields)

    answers = at_once(
        [
            (official, f"/ansokan/{application}/bedomning/", fields)
            for official, application, fields in zip(officials, applications, forms, strict=True)
        ]
    )
    assert [status for status, _ in answers] == [200] * WRITERS, [page[:300] for _, page in answers]
    with sqlite3.connect(database) as db:
        stored = dict(
            db.execute(
                "SELECT application_id, motivation FROM applications_assessment "
                f"WHERE application_id IN ({','.join('?' * WRITERS)}) AND proposed_amount = 0",
                applications,
            ).fetchall()
        )
    assert stored == {
        application: f"Parallell bedömning {application}" for application in applications
    }


def test_two_officials_deciding_the_same_year_at_once_get_one_decision_and_a_message(
    sqlite_server,
):
    base, database = sqlite_server
    with sqlite3.connect(database) as db:
        (package,) = db.execute(
            "SELECT id FROM allocations_package WHERE name = 'Trygghetspaketet'"
        ).fetchone()
    path = f"/paket/{package}/ar/2024/beslut/"
    posts = []
    for paragraph in ("§ 41", "§ 42"):
        official = Official(base)
        official.log_in("nacka-handlaggare")
        fields = official.form(path)
        fields.update(decided_on="2024-04-08", paragraph=paragraph)
        posts.append((official, path, fields))

    answers = at_once(posts)

    assert [status for status, _ in answers] == [200, 200], [page[:300] for _, page in answers]
    with sqlite3.connect(database) as db:
        decisions = db.execute(
            "SELECT d.paragraph FROM allocations_yeardecision d "
            "JOIN allocations_packageyear y ON y.id = d.package_year_id "
            "WHERE y.package_id = ? AND y.year = 2024",
            (package,),
        ).fetchall()
    assert len(decisions) == 1
    winner = 0 if decisions[0][0] == "§ 41" else 1
    assert "Beslutet är registrerat" in answers[winner][1]
    assert "Beslutet är registrerat" not in answers[1 - winner][1]
    assert "Bara ett år med status förslag kan beslutas." in answers[1 - winner][1]
