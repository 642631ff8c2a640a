import pytest

from marwah.core.params import parse_id, parse_page


@pytest.mark.parametrize("raw,expected", [("12", 12), (" 7 ", 7), ("²", None), ("", None), (None, None),
                                          ("-3", None), ("1" * 30, None), ("١٢", None), ("3.0", None)])
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_parse_page_clamps():
    assert parse_page("0") == 1 and parse_page("x") == 1 and parse_page("9" * 18) == 100_000


@pytest.mark.parametrize("query", ["?page=²", "?page=99999999999999999999", "?unit=²", "?unit=" + "9" * 30,
                                   "?q=²²", "?type=nonsense"])
def test_people_list_survives_odd_query_strings(as_user, people, query):
    response = as_user(people.admin).get("/pegawai/" + query)
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("query", ["?page=²", "?page=" + "9" * 40, "?action=" + "x" * 500])
def test_audit_log_survives_odd_query_strings(as_user, people, query):
    assert as_user(people.auditor).get("/audit/" + query).status_code == 200
