"""Login throttling, the content security policy and the production settings."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from trygghet.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_too_many_failed_logins_lock_the_account_for_a_while(client, demo):
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "nacka-handlaggare", "password": "fel"})
        assert "Fel användarnamn eller lösenord." in response.text
    # the fifth failure locks the account; then even the right password is refused
    response = client.post(url, {"username": "nacka-handlaggare", "password": "fel"})
    assert response.status_code == 429
    response = client.post(url, {"username": "nacka-handlaggare", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "För många inloggningsförsök" in response.text
    assert "_auth_user_id" not in client.session
    # another user is not affected
    other = client.post(url, {"username": "nacka-ledamot", "password": DEMO_PASSWORD})
    assert other.status_code == 302


def test_every_page_forbids_inline_scripts(client, demo):
    client.post(reverse("login"), {"username": "nacka-handlaggare", "password": DEMO_PASSWORD})
    response = client.get(reverse("start"))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", template.read_text()):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
    assert offenders == []


def production_environment():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="trygghet.example.se",
    )
    return environment


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_enforced():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='trygghet.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_AGE <= 8 * 3600)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True"] * 5


def _fail_five_times(client, **headers):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "nacka-handlaggare", "password": "fel"}, **headers
        )


def test_behind_a_proxy_failures_from_one_address_do_not_lock_out_another(client, demo, settings):
    """Behind the README's reverse proxy every client arrives from the proxy's address:
    five wrong passwords from anyone used to lock a username for everyone."""
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    _fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = client.post(
        reverse("login"),
        {"username": "nacka-handlaggare", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
        **proxy,
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("login"),
        {"username": "nacka-handlaggare", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_forged_forwarded_address_does_not_escape_the_lock(client, demo, settings):
    """What the client writes in X-Forwarded-For is left of what the proxy appends: a new
    forged address per try is still counted against the client's real one."""
    settings.TRUSTED_PROXIES = 1
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        client.post(
            reverse("login"),
            {"username": "nacka-handlaggare", "password": "fel"},
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5",
            REMOTE_ADDR="127.0.0.1",
        )
    response = client.post(
        reverse("login"),
        {"username": "nacka-handlaggare", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5",
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 429


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, demo, settings):
    settings.TRUSTED_PROXIES = 0
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        client.post(
            reverse("login"),
            {"username": "nacka-handlaggare", "password": "fel"},
            HTTP_X_FORWARDED_FOR=forged,
        )
    response = client.post(
        reverse("login"),
        {"username": "nacka-handlaggare", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
