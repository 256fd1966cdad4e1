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
