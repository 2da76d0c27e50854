"""With production values the site passes Django's deployment checks and sends the federal headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "b3Vc0x9-Lq2rT7nM4pZ8kW1yE6hJ5sA0dF3gH7jK9lQ2wE4rT6yU8iO0pA",
    "ALLOWED_HOSTS": "news.example.gov",
    "DATABASE_URL": "sqlite:////tmp/newsroom-deploy-check.sqlite3",
}


def manage(*args, **env_changes):
    # The test process's own overrides (the browser tests' async flag among them) stay out.
    test_only = ("DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(PRODUCTION)
    env.update(env_changes)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_issues_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_refuses_to_let_staff_sign_in_with_a_password_alone():
    result = manage("check", REQUIRE_SECOND_FACTOR="false")
    assert result.returncode != 0
    assert "REQUIRE_SECOND_FACTOR=false is for a development machine only" in result.stderr


def test_the_second_factor_is_required_unless_a_development_machine_turns_it_off():
    show = (
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.REQUIRE_SECOND_FACTOR)",
    )
    assert manage(*show).stdout.split() == ["True"]
    assert manage(*show, DEBUG="true").stdout.split() == ["False"]  # bin/dev: the demo logins use a password
    assert manage(*show, DEBUG="true", REQUIRE_SECOND_FACTOR="true").stdout.split() == ["True"]


def test_production_security_settings():
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"], result.stderr


@pytest.mark.django_db
def test_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/news/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/"


@pytest.mark.django_db
def test_https_responses_carry_hsts_csp_and_no_sniff(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    # Frames: only the two video hosts' privacy-enhanced players (video blocks).
    assert csp["frame-src"] == "https://www.youtube-nocookie.com https://www.dvidshub.net"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script(client, make_story):
    html = client.get(make_story().get_absolute_url()).content.decode()
    assert "<script>" not in html and "<script " in html
    for tag in html.split("<script")[1:]:
        # JSON-LD is a data block: browsers never run it, so script-src does not apply to it.
        executable = not tag.lstrip().startswith('type="application/ld+json"')
        assert not executable or tag.lstrip().startswith("src="), "every script must be a file the CSP allows"


def bare_environment():
    """The environment of someone who set nothing for Newsroom."""
    skip = {
        "DJANGO_SETTINGS_MODULE",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
    }
    return {key: value for key, value in os.environ.items() if key not in skip}


def test_the_web_server_is_in_production_mode_unless_told_otherwise():
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=bare_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_manage_py_runs_on_a_developers_machine_with_nothing_set():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=bare_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
