"""Both languages complete: every Indonesian entry translated, and no string left out of the catalogs."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.parent.parent.parent.name for p in ROOT.glob("*/locale/id/LC_MESSAGES/django.po"))


def _untranslated(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_every_app_with_templates_has_an_indonesian_catalog():
    apps_with_text = {p.parent.name for p in ROOT.glob("*/templates")} - {"__pycache__"}
    assert apps_with_text <= set(APPS), apps_with_text - set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_indonesian_catalog_is_complete(app):
    missing = _untranslated(ROOT / app / "locale" / "id" / "LC_MESSAGES" / "django.po")
    assert missing == [], f"{app}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (make test installs it)")
@pytest.mark.parametrize("app", APPS)
def test_no_string_is_missing_from_the_catalog(app, tmp_path):
    """Re-extract the app's strings into a copy: anything new must already be translated."""
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [str(Path(sys.executable).with_name("marwah")), "makemessages", "-l", "id", "--ignore=tests/*", "-v", "0"],
        cwd=copy, check=True,
    )
    missing = _untranslated(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")
    assert missing == [], f"{app}: strings without Indonesian translation: {missing[:8]}"
