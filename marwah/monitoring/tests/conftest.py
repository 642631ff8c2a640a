import pytest


@pytest.fixture(autouse=True)
def _fast_keys(settings):
    # Real key-derivation costs are measured in benchmarks; tests need speed.
    settings.MARWAH_KEY_KDF = (1, 8192)
    settings.MARWAH_RECEIPT_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    settings.MARWAH_MONITORING_CACHE_SECONDS = 0  # tests read the sections from the context
