from marwah.orgs.models import Unit, decode_path, encode_segment
from marwah.orgs.selectors import ancestors
from marwah.orgs.services import pretty_region_name, region_records


def test_path_segments_round_trip():
    assert decode_path(encode_segment(1) + encode_segment(36**5 + 7)) == [1, 36**5 + 7]


def test_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(Unit.objects.subtree(tree.jateng).values_list("name", flat=True))
    assert names == {"KPU Provinsi Jawa Tengah", "KPU Kabupaten Grobogan"}


def test_ancestors_from_path(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = ancestors(tree.grobogan)
    assert [u.name for u in chain] == ["KPU RI", "KPU Provinsi Jawa Tengah"]


def test_region_source_has_38_provinces_and_514_regencies():
    records = region_records(max_level=2)
    provinces = [r for r in records if r[2] == 1]
    regencies = [r for r in records if r[2] == 2]
    assert len(provinces) == 38
    assert len(regencies) == 514
    codes = {r[0]: r for r in records}
    assert codes["93.01"][1] == "KAB. MERAUKE" and codes["93.01"][3] == "93"
    assert codes["96.71"][1] == "KOTA SORONG"
    # every regency's parent is a province that exists
    assert {r[3] for r in regencies} <= {p[0] for p in provinces}


def test_pretty_names():
    assert pretty_region_name("KAB. GROBOGAN") == "Kabupaten Grobogan"
    assert pretty_region_name("DKI JAKARTA") == "DKI Jakarta"
