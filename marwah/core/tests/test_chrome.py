"""The page chrome's shortcuts (issue 14): remembered links, menu and static URLs give what Django's
own `{% url %}`, `format_html` and storage give, escaped the same way."""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils.html import format_html
from whitenoise.storage import CompressedManifestStaticFilesStorage

from marwah.core import nav


def test_chrome_links_are_the_reversed_routes() -> None:
    assert nav.chrome_urls() == {"home": reverse("core:home"), "report": reverse("reporting:start"),
                                 "set_language": reverse("set_language"), "logout": reverse("accounts:logout")}
    set_script_prefix("/marwah/")  # served under a prefix: the links follow it
    try:
        logout = reverse("accounts:logout")
        assert logout.startswith("/marwah/") and nav.chrome_urls()["logout"] == logout
    finally:
        set_script_prefix("/")
    assert nav.chrome_urls()["logout"] == reverse("accounts:logout")


def test_the_menu_escapes_and_marks_the_current_page(monkeypatch) -> None:
    items = [nav.NavItem('Cases <b>"&"</b>', "/kasus/?a=1&b=2"), nav.NavItem("Leave", "/cuti/")]
    monkeypatch.setattr(nav, "nav_items", lambda request: items)
    request = RequestFactory().get("/kasus/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    html = str(nav.nav_menu(request))
    home = reverse("core:home")
    expected = format_html('<li><a href="{}">{}</a></li>', home, "Home")
    expected += format_html('<li><a href="{}"{}>{}</a></li>', items[0].url, "", items[0].label)
    expected += format_html('<li><a href="{}">{}</a></li>', items[1].url, items[1].label)
    assert html.replace("Beranda", "Home") == expected  # the label of Home in the active language
    assert "<b>" not in html and "&lt;b&gt;&quot;&amp;&quot;" in html and "a=1&amp;b=2" in html
    cuti = RequestFactory().get("/cuti/baru/")
    cuti.user = request.user
    assert '<a href="/cuti/" aria-current="page">' in str(nav.nav_menu(cuti))


def test_static_urls_are_remembered_as_the_storage_gives_them() -> None:
    for name in ("marwah/app.css", "marwah/app.js", "marwah/app.css"):
        assert staticfiles_storage.url(name) == CompressedManifestStaticFilesStorage.url(staticfiles_storage, name)
    assert ("marwah/app.css", False) in {key[:2] for key in staticfiles_storage._urls}
