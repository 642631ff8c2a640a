"""The page chrome's shortcuts (issue 14): remembered links, menu and static URLs give what Django's
own `{% url %}`, `format_html` and storage give, escaped the same way."""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils.html import format_html
from whitenoise.storage import CompressedManifestStaticFilesStorage

from conftest import without_tokens
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


# --- core.chrome.page: the page kept around content that is already HTML --------------------------------

def test_a_kept_page_is_the_page_the_template_engine_renders(people, as_user, settings) -> None:
    from django.urls import reverse

    client = as_user(people.hr)
    url = reverse("monitoring:dashboard")
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        settings.DEBUG = False
        client.get(url)  # the first view renders the body and the page around it, once per process
        kept = client.get(url)
        settings.DEBUG = True  # with DEBUG the template engine renders every page
        rendered = client.get(url)
        assert kept.status_code == rendered.status_code == 200
        assert kept.context is None and rendered.context is not None  # two paths...
        assert without_tokens(kept.content.decode()) == without_tokens(rendered.content.decode())  # ...one page
        assert f'<html lang="{language}">' in kept.content.decode()
    token = without_tokens(kept.content.decode()).count("TOKEN")
    assert token >= 3  # htmx's header, the language form, the logout form: each with the page's token


def test_a_kept_page_escapes_plain_slots_and_keeps_html_slots(rf, people, settings) -> None:
    from django.contrib.sessions.backends.cache import SessionStore
    from django.utils.safestring import mark_safe

    from marwah.core import chrome

    settings.DEBUG = False
    request = rf.get("/monitoring/")
    request.session, request.user = SessionStore(), people.hr
    html = chrome.page(request, "monitoring/dashboard.html", {"body": "<b>&</b>"}).content.decode()
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>&</b>" not in html
    html = chrome.page(request, "monitoring/dashboard.html", {"body": mark_safe("<b>ok</b>")}).content.decode()
    assert "<b>ok</b>" in html
    # Kept HTML, encoded once: placed as it is, its forms given this response's token, its text intact.
    kept = chrome.encoded(f'<form method="post"><input name="csrfmiddlewaretoken" value="{chrome.CSRF_SLOT}">'
                          "\u201cTanda tangan\u201d \u2014 ok</form>")
    response = chrome.page(request, "monitoring/dashboard.html", {"body": kept})
    html = response.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64 and "\u2063" not in html and "\u201cTanda tangan\u201d \u2014 ok</form>" in html
    settings.DEBUG = True  # rendered by the template engine: the same HTML, not the bytes' repr
    html = chrome.page(request, "monitoring/dashboard.html", {"body": kept}).content.decode()
    assert "\u201cTanda tangan\u201d \u2014 ok</form>" in html and "b'" not in html and "\u2063" not in html


def test_a_page_with_messages_is_rendered_with_them(people, as_user) -> None:
    from django.urls import reverse

    # A period the dashboard cannot read: it says so in a message, on the page it answers with.
    response = as_user(people.hr).get(reverse("monitoring:dashboard"), {"period": "fortnight"})
    assert response.status_code == 200 and response.context is not None
    assert 'class="messages"' in response.content.decode()


def test_the_shell_of_a_page_is_not_shared_across_sign_in_states_or_languages(rf, people, settings) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.utils import translation

    from marwah.core import chrome

    settings.DEBUG = False
    signed_in, anonymous = rf.get("/monitoring/"), rf.get("/monitoring/")
    signed_in.session, signed_in.user = SessionStore(), people.hr
    anonymous.session, anonymous.user = SessionStore(), AnonymousUser()
    staff = chrome.page(signed_in, "monitoring/dashboard.html", {"body": ""}).content.decode()
    public = chrome.page(anonymous, "monitoring/dashboard.html", {"body": ""}).content.decode()
    assert 'id="main-nav"' in staff and 'id="main-nav"' not in public
    with translation.override("en"):
        english = chrome.page(signed_in, "monitoring/dashboard.html", {"body": ""}).content.decode()
    assert '<html lang="en">' in english and '<html lang="id">' in staff


# --- core.cache.kept: this process's copy in front of the shared cache -------------------------------------

def test_kept_values_are_built_once_and_never_older_than_their_interval(monkeypatch, settings) -> None:

    from marwah.core import cache as kept_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept"}}
    now = [1_000_000.0]
    monkeypatch.setattr(kept_cache.time, "time", lambda: now[0])
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now[0])
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        return f"v{len(builds)}"

    assert kept_cache.kept("k", 10, build) == "v1"
    now[0] += 4
    assert kept_cache.kept("k", 10, build) == "v1" and len(builds) == 1  # from this process
    kept_cache.forget_kept()  # another process: the shared copy, 4 s old, answers
    assert kept_cache.kept("k", 10, build) == "v1" and len(builds) == 1
    now[0] += 6.5
    assert kept_cache.kept("k", 10, build) == "v2"  # 10.5 s after the first build: built again
    assert kept_cache.kept("other", 0, build) == "v3" and kept_cache.kept("other", 0, build) == "v4"  # 0: every time


def test_a_kept_value_past_its_interval_answers_only_while_another_process_rebuilds_it(monkeypatch, settings) -> None:
    from django.core.cache import cache

    from marwah.core import cache as kept_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept2"}}
    now = [2_000_000.0]
    monkeypatch.setattr(kept_cache.time, "time", lambda: now[0])
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now[0])
    assert kept_cache.kept("k", 10, lambda: "old") == "old"
    now[0] += 11
    assert cache.add("kept:k:rebuilding", 1, 30)  # another process has begun the rebuild
    assert kept_cache.kept("k", 10, lambda: "new") == "old"  # the copy at hand, not a second rebuild
    cache.delete("kept:k:rebuilding")  # it failed, or is done without storing: this process rebuilds
    assert kept_cache.kept("k", 10, lambda: "new") == "new"
    now[0] += 11 + kept_cache.REBUILD_GRACE  # past the grace: nothing stale is left to answer with
    assert cache.add("kept:k:rebuilding", 1, 30)
    assert kept_cache.kept("k", 10, lambda: "newest") == "newest"
