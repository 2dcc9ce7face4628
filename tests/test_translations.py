"""English, Simplified Chinese and French are kept complete, and the compiled files match."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["zh_Hans", "fr"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_nothing_is_fuzzy(language):
    po = polib.pofile(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_committed_and_current(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    po = polib.pofile(folder / "django.po")
    mo = polib.mofile(folder / "django.mo")
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    stale = [
        e.msgid
        for e in po.translated_entries()
        if compiled.get((e.msgctxt, e.msgid)) != (e.msgstr or e.msgstr_plural.get(0))
    ]
    assert stale == [], "Run `make messages` and commit the .mo files"


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """makemessages, run on a copy of the project, finds no string the committed .po lacks."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "staticfiles", "__pycache__", "tests"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--ignore=benchmarks"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")}
    committed = {
        e.msgid for e in polib.pofile(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    }
    assert sorted(fresh - committed) == [], "Run `make messages` and translate the new strings"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "phrases"),
    [("zh-hans", ["候选人", "登录"]), ("fr", ["Se connecter", "Candidats"])],
)
def test_the_landing_page_speaks_the_chosen_language(language, phrases):
    client = Client()
    client.cookies["django_language"] = language
    page = client.get("/").content.decode()
    for phrase in phrases:
        assert phrase in page


def test_choice_labels_are_translated():
    from workforce.people.models import Rung

    with translation.override("zh-hans"):
        assert str(Rung.Code.ANNOTATOR.label) == "标注员"
    with translation.override("fr"):
        assert str(Rung.Code.PROJECT_MANAGER.label) == "Chef de projet"
