"""The searchable unit picker: matches by name or Kemendagri code, walks down the tree, stays in scope."""

from __future__ import annotations

from django.urls import reverse

from marwah.accounts.models import Role

PICK = reverse("orgs:pick")


def test_search_by_name_and_by_code(as_user, people, tree):
    client = as_user(people.admin)
    page = client.get(PICK, {"roles": "admin", "field": "unit", "unit__q": "grobo"}).content.decode()
    assert f'data-pick-unit="{tree.grobogan.pk}"' in page
    page = client.get(PICK, {"roles": "admin", "field": "unit", "unit__q": "33.1"}).content.decode()
    assert f'data-pick-unit="{tree.grobogan.pk}"' in page and f'data-pick-unit="{tree.surabaya.pk}"' not in page


def test_walk_down_the_tree_and_roots_first(as_user, people, tree):
    client = as_user(people.admin)
    page = client.get(PICK, {"roles": "admin", "field": "unit"}).content.decode()
    assert f'data-pick-unit="{tree.ri.pk}"' in page and f'data-pick-unit="{tree.grobogan.pk}"' not in page
    page = client.get(PICK, {"roles": "admin", "field": "unit", "parent": tree.ri.pk}).content.decode()
    assert f'data-pick-unit="{tree.jateng.pk}"' in page and f'data-pick-unit="{tree.jatim.pk}"' in page


def test_scope_outsider_and_employee(as_user, people, tree):
    # A leader in Surabaya finds nothing in Jawa Tengah and cannot open its children.
    client = as_user(people.outsider)
    page = client.get(PICK, {"roles": "leader", "field": "unit", "unit__q": "Grobogan"}).content.decode()
    assert "data-pick-unit" not in page and "33.15" in page  # says why nothing is shown
    assert client.get(PICK, {"roles": "leader", "parent": tree.jateng.pk}).status_code == 404
    # Asking for a role one does not hold is refused.
    assert client.get(PICK, {"roles": "admin", "unit__q": "KPU"}).status_code == 403
    assert as_user(people.employee).get(PICK, {"unit__q": "KPU"}).status_code == 403


def test_limited_rows(as_user, people, tree):
    from marwah.orgs.models import UnitKind
    from marwah.orgs.services import UnitSpec, create_units

    create_units(institution=tree.kpu, parent=tree.grobogan, specs=[
        UnitSpec(UnitKind.PPK, f"33.15.{n:02d}", f"PPK Kecamatan {n}") for n in range(1, 40)])
    page = as_user(people.admin).get(PICK, {"roles": "admin", "unit__q": "PPK"}).content.decode()
    assert page.count("data-pick-unit=") == 15
    assert "15" in page.split("</ul>")[1]  # says only the first 15 are shown


def test_forms_use_the_picker_not_a_flat_list(as_user, people, tree):
    page = as_user(people.admin).get(reverse("accounts:roles")).content.decode()
    assert "data-unit-picker" in page and f"<option value=\"{tree.grobogan.pk}\"" not in page
    assert "orgs/unitpicker.js" in page
    page = as_user(people.hr).get(reverse("people:import")).content.decode()
    assert "data-unit-picker" in page
    page = as_user(people.leader_jateng).get(reverse("pledges:campaign_new")).content.decode()
    assert "data-unit-picker" in page and "roles=admin%2Chr%2Cleader" in page


def test_role_assignment_through_the_picker(as_user, people, tree):
    from marwah.accounts.models import RoleAssignment

    client = as_user(people.admin)
    response = client.post(reverse("accounts:roles"), {"username": "rina", "role": Role.UNIT_LEADER,
                                                       "unit": tree.grobogan.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=people.employee, role=Role.UNIT_LEADER, unit=tree.grobogan).exists()
    # The chosen unit is kept when the form comes back with an error.
    response = client.post(reverse("accounts:roles"), {"username": "nobody", "role": Role.UNIT_LEADER,
                                                       "unit": tree.grobogan.pk})
    assert "KPU Kabupaten Grobogan" in response.content.decode()
