"""Role grants and the session's OTP device are remembered per process (core.memo) between requests:
a role or device given or taken away must still count from the very next request, also when another
process (another app server) made the change and this process's copy was loaded before it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marwah.accounts.models import Role, RoleAssignment
from marwah.accounts.services import assign_role, revoke_role
from marwah.core import memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_like_cache(settings):
    # One shared cache for every "process", like Redis in production (the memo's generation lives there).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_grants_are_read_once_across_requests(people, tree, as_user, redis_like_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(people.hr)
    url = reverse("people:list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries if "accounts_roleassignment" in q["sql"]]


def test_a_revoked_role_is_refused_at_the_next_request(people, tree, as_user, redis_like_cache):
    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200  # grants now remembered by this process
    assignment = RoleAssignment.objects.get(user=people.hr, role=Role.HR)
    revoke_role(actor=people.admin, assignment=assignment)
    assert client.get(url).status_code in (403, 404)


def test_a_change_made_by_another_process_is_seen(people, tree, as_user, redis_like_cache):
    from django.db import connection

    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200
    assert memo.get("grants", people.hr.pk, lambda: pytest.fail("not remembered"))
    # Another app server revokes the role: no signal reaches this process, only the generation its
    # commit publishes in the shared cache.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_roleassignment WHERE user_id = %s", [people.hr.pk])
    memo._publish()
    assert client.get(url).status_code in (403, 404)


def test_a_new_role_counts_at_once(people, tree, as_user, redis_like_cache):
    client = as_user(people.employee)
    url = reverse("people:list")
    assert client.get(url).status_code in (403, 404)
    assign_role(actor=people.admin, user=people.employee, role=Role.HR, unit=tree.ri)
    assert client.get(url).status_code == 200


def test_a_removed_device_ends_the_second_factor_at_the_next_request(people, tree, as_user, redis_like_cache):
    from django.db import connection

    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200  # the session's device is now remembered by this process
    with connection.cursor() as cursor:  # removed by another app server: only its published generation arrives
        cursor.execute("DELETE FROM otp_totp_totpdevice WHERE user_id = %s", [people.hr.pk])
    memo._publish()
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]


def test_a_device_removed_here_counts_at_once(people, tree, as_user, redis_like_cache):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200
    TOTPDevice.objects.filter(user=people.hr).delete()
    assert client.get(url).status_code == 302


def test_a_sign_in_does_not_make_every_process_forget(people, redis_like_cache):
    """A verification saves the device (its last counter); only whose it is and whether it is
    confirmed matter to the memo, so a rush of sign-ins does not empty it on every server."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=people.hr, name="phone", confirmed=True)
    memo.get("grants", people.hr.pk, lambda: ["kept"])
    device.last_t += 1
    device.throttling_failure_count = 2
    device.save()
    assert memo.get("grants", people.hr.pk, lambda: ["read again"]) == ["kept"]
    device.confirmed = False
    device.save()
    assert memo.get("grants", people.hr.pk, lambda: ["read again"]) == ["read again"]


def test_the_menu_follows_a_role_given_and_taken_at_the_next_request(people, tree, as_user, redis_like_cache):
    """The menu is remembered per user (core.nav): it must gain and lose an entry with the role."""
    client = as_user(people.employee)
    people_url = reverse("people:list")
    home = reverse("core:home")
    assert f'href="{people_url}"' not in client.get(home).content.decode()
    assignment = assign_role(actor=people.admin, user=people.employee, role=Role.HR, unit=tree.ri)
    assert f'href="{people_url}"' in client.get(home).content.decode()
    revoke_role(actor=people.admin, assignment=assignment)
    assert f'href="{people_url}"' not in client.get(home).content.decode()


def test_the_menu_is_in_the_language_of_the_request(people, as_user, redis_like_cache):
    client = as_user(people.employee)
    home = reverse("core:home")
    client.cookies["django_language"] = "en"
    assert ">My account</a>" in client.get(home).content.decode()
    client.cookies["django_language"] = "id"
    assert ">My account</a>" not in client.get(home).content.decode()


# --- The signed-in user's row (accounts.backends) ---------------------------------------------------

def _statements_on(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_user_row_is_read_once_across_requests(people, tree, as_user, redis_like_cache):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client = as_user(people.hr)
    assert client.session[BACKEND_SESSION_KEY] == "marwah.accounts.backends.ModelBackend"
    url = reverse("people:list")
    client.get(url)
    assert not [sql for sql in _statements_on(client, url) if 'FROM "accounts_user"' in sql]


def test_a_password_changed_elsewhere_ends_the_other_sessions(people, tree, as_user, redis_like_cache):
    from django.db import connection

    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200  # the row now remembered by this process
    people.hr.set_password("kata-sandi-baru-yang-panjang-7")
    people.hr.save(update_fields=["password"])
    assert client.get(url).status_code == 302  # the session's hash no longer matches: signed out
    # The same from another app server: no signal here, only the generation its commit publishes.
    client = as_user(people.hr)
    assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET password = %s WHERE id = %s", ["argon2$x", people.hr.pk])
    memo._publish()
    assert client.get(url).status_code == 302


def test_a_switched_off_account_is_refused_at_the_next_request(people, tree, as_user, redis_like_cache):
    client = as_user(people.hr)
    url = reverse("people:list")
    assert client.get(url).status_code == 200
    people.hr.is_active = False
    people.hr.save(update_fields=["is_active"])
    assert client.get(url).status_code == 302


def test_a_new_login_does_not_forget_the_memo(people, tree, as_user, redis_like_cache):
    from django.contrib.auth.models import update_last_login

    as_user(people.hr).get(reverse("people:list"))
    generation = memo._state.generation
    update_last_login(None, people.hr)  # what every login does
    assert memo.get("user-row", people.hr.pk, lambda: pytest.fail("forgotten")) is not None
    assert memo._state.generation == generation


def test_each_request_gets_its_own_user(people, tree, as_user, redis_like_cache):
    from marwah.accounts.backends import ModelBackend

    backend = ModelBackend()
    first, second = backend.get_user(str(people.hr.pk)), backend.get_user(str(people.hr.pk))
    assert first == second and first is not second
    first.first_name = "Berubah"
    assert second.first_name != "Berubah"
    assert backend.get_user("bukan-angka") is None and backend.get_user("987654321") is None
