from marwah.audit.models import AuditEntry  # noqa: F401


def test_leader_sees_only_his_subtree(as_user, people, tree):
    client = as_user(people.leader_jateng)
    response = client.get("/unit/", follow=True)
    assert response.context["unit"] == tree.jateng
    names = [c.name for c in response.context["children"]]
    assert names == ["KPU Kabupaten Grobogan"]
    # The parent is shown as text, not as a link he could follow.
    assert client.get(f"/unit/{tree.ri.pk}/").status_code == 404
    assert client.get(f"/unit/{tree.grobogan.pk}/").status_code == 200


def test_outsider_gets_404_and_employee_403(as_user, people, tree):
    assert as_user(people.outsider).get(f"/unit/{tree.grobogan.pk}/").status_code == 404
    assert as_user(people.employee).get("/unit/").status_code == 403
    assert as_user(people.employee).get(f"/unit/{tree.grobogan.pk}/").status_code == 404


def test_search_stays_in_scope(as_user, people, tree):
    response = as_user(people.leader_jateng).get("/unit/?q=KPU")
    names = {u.name for u in response.context["results"]}
    assert names == {"KPU Provinsi Jawa Tengah", "KPU Kabupaten Grobogan"}


def test_unit_page_query_count_is_flat(as_user, people, tree, django_assert_max_num_queries):
    from marwah.orgs.models import UnitKind
    from marwah.orgs.services import UnitSpec, create_units

    create_units(institution=tree.kpu, parent=tree.jateng,
                 specs=[UnitSpec(UnitKind.KPU_REGENCY, f"33.{n:02d}", f"KPU Kab {n}") for n in range(40, 80)])
    client = as_user(people.admin)
    with django_assert_max_num_queries(13):  # 13th: the memo's generation, a cache-table read without Redis
        response = client.get(f"/unit/{tree.jateng.pk}/")
    assert len(response.context["children"]) == 41
