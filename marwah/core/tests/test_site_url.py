"""Issue 9.12: links use SITE_URL from configuration; production refuses to start without it."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.management import call_command

from marwah.core import checks


def test_seed_demo_prints_the_configured_address(db, capsys, settings, monkeypatch):
    import marwah.core.management.commands.seed_demo as cmd

    settings.SITE_URL = "https://marwah.example.go.id"
    monkeypatch.setattr(cmd, "seed_all", lambda ctx: None)
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "https://marwah.example.go.id/lapor/" in out and "127.0.0.1" not in out


def test_links_in_pdfs_use_the_configured_address(settings):
    from marwah.pledges.services import verify_url

    settings.SITE_URL = "https://marwah.example.go.id"
    assert verify_url(SimpleNamespace(verify_code="ABC123")).startswith("https://marwah.example.go.id/verifikasi/")


def test_production_without_site_url_fails_the_check(settings):
    settings.PRODUCTION, settings.SITE_URL = True, ""
    assert [e.id for e in checks.production_site_url(None)] == ["marwah.E011"]
    settings.SITE_URL = "http://marwah.example.go.id"
    assert [e.id for e in checks.production_site_url(None)] == ["marwah.W011"]
