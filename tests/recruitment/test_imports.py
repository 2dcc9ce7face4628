import io
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.recruitment.conftest import apply, make_opening
from workforce.core.models import Job
from workforce.recruitment import imports
from workforce.recruitment.imports import CANDIDATE_IMPORT_JOB
from workforce.recruitment.models import Application, Candidate, CandidateImport, OpeningPage
from workforce.recruitment.services import RecruitmentError

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def person(n: int = 1, **overrides) -> dict:
    """A row that passes every check, for the `opening` fixture (slug contract-reviewer)."""
    return {
        "first_name": "Wei",
        "last_name": f"Zhang{n}",
        "email": f"zhang.wei{n}@example.org",
        "phone": f"+86 138 0013 {8000 + n}",
        "city": "Shanghai",
        "country": "CN",
        "preferred_language": "zh-hans",
        "opening": "contract-reviewer",
        "education_level": "master",
        "field_of_study": "Law",
        "institution": "Fudan University",
        "graduation_year": "2019",
        "languages": "zh-hans:native; en:C1",
        "consent": "yes",
        **overrides,
    }


def csv_upload(rows: list[dict], *, name="fair.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = pd.DataFrame(rows).to_csv(index=False)
    return SimpleUploadedFile(name, text.encode(encoding))


def xlsx_upload(rows: list[dict], *, name="fair.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue())


def check(file, hr) -> CandidateImport:
    return imports.candidate_import_check(file=file, by=hr)


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def second_opening(law):
    page = make_opening(law, title="Clause tagger")
    page.save_revision().publish()
    return OpeningPage.objects.get(pk=page.pk)


# Checking the file ----------------------------------------------------------------------------


def test_a_clean_file_is_checked_and_kept_privately_without_writing_anyone(opening, hr):
    candidate_import = check(csv_upload([person(1), person(2)]), hr)
    assert candidate_import.row_count == 2 and candidate_import.valid_count == 2
    assert candidate_import.is_clean
    assert candidate_import.status == CandidateImport.Status.VALIDATED
    assert candidate_import.file_name == "fair.csv" and candidate_import.uploaded_by == hr
    stored = Path(candidate_import.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT)) and stored.exists()
    assert not Candidate.objects.exists() and not Application.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"first_name": ""}, "first_name: this column is required."),
        ({"email": "zhang.wei@"}, "email: “zhang.wei@” is not a valid email address."),
        ({"opening": "no-such-job"}, "opening: no opening has the address “no-such-job”."),
        ({"consent": "no"}, "consent: “no”: the candidate must have agreed"),
        ({"consent": ""}, "consent: empty. Write yes when the candidate agreed"),
        ({"education_level": "phd"}, "education_level: “phd” is not one of: secondary,"),
        ({"graduation_year": "1890"}, "graduation_year: “1890” is not a year from 1950 to 2100."),
        ({"graduation_year": "soon"}, "graduation_year: “soon” is not a year"),
        ({"languages": "en:fluent"}, "languages: “fluent” is not a level; use one of: A1, A2,"),
        ({"languages": "klingon:C1"}, "languages: “klingon” is not a language code."),
        ({"languages": "English"}, "languages: “English”: write each language as code:level"),
        ({"languages": "en:B2; en:C1"}, "languages: en is given twice."),
        ({"preferred_language": "de"}, "preferred_language: “de” is not one of: en, zh-hans, fr."),
        ({"country": "China"}, "country: “China”: give the two-letter country code"),
        ({"phone": "call me"}, "phone: “call me” is not a phone number."),
        ({"last_name": "x" * 151}, "last_name: at most 150 characters."),
    ],
)
def test_each_bad_row_is_reported_with_its_spreadsheet_row_and_column(
    opening, hr, overrides, expected
):
    candidate_import = check(csv_upload([person(1), person(2, **overrides)]), hr)
    assert not candidate_import.file_errors
    assert candidate_import.row_count == 2 and candidate_import.valid_count == 1
    [entry] = candidate_import.row_errors
    assert entry["row"] == 3  # the header is row 1, the first person row 2
    assert len(entry["errors"]) == 1 and entry["errors"][0].startswith(expected)


def test_an_opening_that_no_longer_takes_applications_is_a_row_error(opening, law, hr):
    make_opening(law, title="Old reviewer", is_closed=True)
    candidate_import = check(csv_upload([person(1, opening="old-reviewer")]), hr)
    assert candidate_import.row_errors == [
        {"row": 2, "errors": ["opening: “Old reviewer” is closed and takes no applications."]}
    ]


def test_a_row_lists_every_problem_it_has(opening, hr):
    candidate_import = check(
        csv_upload([person(1, email="nope", consent="no", languages="en")]), hr
    )
    [entry] = candidate_import.row_errors
    assert [error.split(":")[0] for error in entry["errors"]] == ["email", "consent", "languages"]


def test_the_same_person_twice_for_the_same_opening_is_an_error_on_the_second_row(
    opening, second_opening, hr
):
    rows = [
        person(1),
        person(1, opening="clause-tagger"),  # another opening: fine
        person(1, email="ZHANG.WEI1@example.org", first_name="W."),
    ]
    candidate_import = check(csv_upload(rows), hr)
    assert candidate_import.row_errors == [
        {
            "row": 4,
            "errors": ["email: zhang.wei1@example.org is already on row 2 for the same opening."],
        }
    ]


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
def test_a_csv_not_in_utf8_is_refused_with_a_clear_message(opening, hr, encoding):
    if encoding == "gbk":
        rows = [person(1, first_name="伟", last_name="张", city="上海")]
    else:
        rows = [person(1, first_name="João", last_name="Conceição", city="Évora")]
    candidate_import = check(csv_upload(rows, encoding=encoding), hr)
    assert candidate_import.row_count == 0 and not candidate_import.row_errors
    [error] = candidate_import.file_errors
    assert error.startswith("The file is not UTF-8")
    assert "save it as CSV UTF-8" in error


def test_a_csv_utf8_with_a_byte_order_mark_as_excel_saves_it_is_read(opening, hr):
    rows = [person(1, first_name="伟", last_name="张"), person(2, first_name="João")]
    candidate_import = check(csv_upload(rows, encoding="utf-8-sig"), hr)
    assert candidate_import.is_clean and candidate_import.row_count == 2


def test_a_csv_with_semicolons_between_columns_is_read(opening, hr):
    text = pd.DataFrame([person(1)]).to_csv(index=False, sep=";")
    candidate_import = check(SimpleUploadedFile("fair.csv", text.encode()), hr)
    assert candidate_import.is_clean and candidate_import.row_count == 1


def test_missing_columns_are_named_and_unknown_columns_ignored(opening, hr):
    rows = [{k: v for k, v in person(1).items() if k not in {"consent", "opening"}}]
    rows[0]["badge_number"] = "A-17"
    candidate_import = check(csv_upload(rows), hr)
    [error] = candidate_import.file_errors
    assert error.startswith("Columns missing: opening, consent.")
    assert not candidate_import.is_clean

    fine = check(csv_upload([{**person(1), "badge_number": "A-17"}]), hr)
    assert fine.is_clean


def test_headers_are_read_as_people_write_them(opening, hr):
    row = {k.replace("_", " ").title(): v for k, v in person(1).items()}
    candidate_import = check(csv_upload([row]), hr)
    assert candidate_import.is_clean


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("list.txt", b"first_name\nWei\n", "Upload a .csv or .xlsx file."),
        ("list.xlsx", b"not a workbook", "This file is not a valid XLSX workbook."),
        ("list.csv", b"", "The file is empty."),
        (
            "list.csv",
            b"first_name,last_name,email,opening,consent\n",
            "The file has no rows",
        ),
    ],
)
def test_files_that_cannot_be_used_are_refused_as_a_whole(opening, hr, name, content, expected):
    candidate_import = check(SimpleUploadedFile(name, content), hr)
    assert candidate_import.file_errors[0].startswith(expected)


def test_checking_loads_the_openings_in_one_query_whatever_the_length(
    opening, second_opening, django_assert_num_queries
):
    records = [
        {"_row": n + 2, **person(n, opening=("contract-reviewer", "clause-tagger")[n % 2])}
        for n in range(300)
    ]
    with django_assert_num_queries(1):
        rows = imports.rows_check(records)
    assert all(row.is_valid for row in rows)


def test_an_xlsx_file_is_read_with_numbers_and_booleans_as_excel_stores_them(opening, hr):
    rows = [person(1, graduation_year=2019, phone=8613800138001, consent=True), person(2)]
    candidate_import = check(xlsx_upload(rows), hr)
    assert candidate_import.is_clean and candidate_import.row_count == 2
    imports.candidate_import_run(candidate_import=candidate_import, only_valid=False)
    application = Application.objects.get(candidate__email="zhang.wei1@example.org")
    assert application.graduation_year == 2019
    assert application.candidate.phone_normalized == "8613800138001"


# Importing ------------------------------------------------------------------------------------


def test_a_clean_file_imports_every_row_as_an_application_from_the_import(opening, hr):
    candidate_import = check(csv_upload([person(1), person(2, preferred_language="")]), hr)
    imports.candidate_import_run(candidate_import=candidate_import, only_valid=False)
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.IMPORTED
    assert (candidate_import.created_count, candidate_import.skipped_count) == (2, 0)
    application = Application.objects.select_related("candidate").get(
        candidate__email="zhang.wei1@example.org"
    )
    assert application.opening == opening and application.source == Application.Source.IMPORT
    assert application.candidate.user is None
    assert application.candidate.country == "CN"
    assert application.candidate.preferred_language == "zh-hans"
    assert application.education_level == "master" and application.institution == "Fudan University"
    assert dict(application.languages.values_list("language", "level")) == {
        "zh-hans": "native",
        "en": "C1",
    }
    assert application.screening_score is not None and application.consent_at is not None
    other = Candidate.objects.get(email="zhang.wei2@example.org")
    assert other.preferred_language == "en"  # left empty: the default


def test_importing_the_same_file_again_creates_nothing(opening, second_opening, hr):
    rows = [person(1), person(2), person(1, opening="clause-tagger")]
    first = check(csv_upload(rows), hr)
    imports.candidate_import_run(candidate_import=first, only_valid=False)
    assert (first.created_count, first.skipped_count) == (3, 0)
    counts = (Candidate.objects.count(), Application.objects.count())
    assert counts == (2, 3)

    again = check(csv_upload(rows), hr)
    imports.candidate_import_run(candidate_import=again, only_valid=False)
    again.refresh_from_db()
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert (Candidate.objects.count(), Application.objects.count()) == counts
    # Running the same import twice creates nothing either.
    imports.candidate_import_run(candidate_import=first, only_valid=False)
    assert Application.objects.count() == 3


def test_a_file_with_bad_rows_is_refused_unless_only_the_valid_rows_are_asked_for(opening, hr):
    candidate_import = check(
        csv_upload([person(1), person(2, consent="no"), person(3, languages="en:fluent")]), hr
    )
    with pytest.raises(RecruitmentError, match="2 rows have errors"):
        imports.candidate_import_run(candidate_import=candidate_import, only_valid=False)
    assert not Application.objects.exists()

    imports.candidate_import_run(candidate_import=candidate_import, only_valid=True)
    assert list(Application.objects.values_list("candidate__email", flat=True)) == [
        "zhang.wei1@example.org"
    ]
    assert candidate_import.created_count == 1
    assert [entry["row"] for entry in candidate_import.row_errors] == [3, 4]


def test_a_file_with_file_errors_is_never_imported(opening, hr):
    candidate_import = check(csv_upload([person(1)], encoding="utf-16"), hr)
    assert candidate_import.file_errors
    for only_valid in (False, True):
        with pytest.raises(RecruitmentError, match="cannot be imported"):
            imports.candidate_import_run(candidate_import=candidate_import, only_valid=only_valid)


def test_a_row_is_checked_again_at_import_time(opening, hr):
    candidate_import = check(csv_upload([person(1), person(2)]), hr)
    opening.is_closed = True
    opening.save_revision().publish()
    with pytest.raises(RecruitmentError, match="2 rows have errors"):
        imports.candidate_import_run(candidate_import=candidate_import, only_valid=False)
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.VALIDATED
    assert "closed" in candidate_import.row_errors[0]["errors"][0]
    assert not Application.objects.exists()


def test_the_same_person_is_recognised_by_phone_across_openings(
    opening, second_opening, candidate_user, hr
):
    apply(candidate_user, opening, phone="+86 138 0013 8000")
    rows = [
        # Another email but the same phone written differently: the same person.
        person(1, email="wei.lin@partner-school.example.org", phone="+8613800138000"),
        person(2, email="lin.w@example.org", phone="0086 138 0013 8000", opening="clause-tagger"),
    ]
    candidate_import = check(csv_upload(rows), hr)
    imports.candidate_import_run(candidate_import=candidate_import, only_valid=False)
    assert (candidate_import.created_count, candidate_import.skipped_count) == (1, 1)
    assert Candidate.objects.count() == 1
    candidate = Candidate.objects.get()
    assert candidate.user == candidate_user and candidate.email == "lin.wei@example.org"
    assert set(candidate.applications.values_list("opening__slug", "source")) == {
        ("contract-reviewer", Application.Source.WEB),
        ("clause-tagger", Application.Source.IMPORT),
    }


def test_progress_is_reported_row_by_row(opening, hr):
    from workforce.core.services import JobProgress

    job = Job.objects.create(kind=CANDIDATE_IMPORT_JOB, started_by=hr)
    candidate_import = check(csv_upload([person(1), person(2), person(3, consent="")]), hr)
    imports.candidate_import_run(
        candidate_import=candidate_import, only_valid=True, progress=JobProgress(job.pk)
    )
    job.refresh_from_db()
    assert (job.done, job.total) == (2, 2)
    assert job.message == "Applications created: 2; already there: 0."


def test_the_sample_files_hold_two_deliberate_mistakes(law, hr):
    for title in ["Legal contract reviewer", "Radiology report reviewer", "Music rater"]:
        make_opening(law, title=title).save_revision().publish()
    from_csv = check(
        SimpleUploadedFile("candidates.csv", (SAMPLES / "candidates.csv").read_bytes()), hr
    )
    from_xlsx = check(
        SimpleUploadedFile("candidates.xlsx", (SAMPLES / "candidates.xlsx").read_bytes()), hr
    )
    for candidate_import in (from_csv, from_xlsx):
        assert not candidate_import.file_errors
        assert candidate_import.row_count == 20 and candidate_import.valid_count == 18
        assert [entry["errors"][0].split(":")[0] for entry in candidate_import.row_errors] == [
            "consent",
            "languages",
        ]
    imports.candidate_import_run(candidate_import=from_xlsx, only_valid=True)
    assert Application.objects.filter(source=Application.Source.IMPORT).count() == 18
    assert all(
        email.endswith("@example.org")
        for email in Candidate.objects.values_list("email", flat=True)
    )


# Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["candidate", "supervisor", "annotator"])
def test_only_hr_reaches_the_import_pages(client, make_user, opening, hr, role):
    candidate_import = check(csv_upload([person(1)]), hr)
    urls = [
        ("get", reverse("recruitment:import-upload")),
        ("get", reverse("recruitment:import-detail", kwargs={"pk": candidate_import.pk})),
        ("post", reverse("recruitment:import-run", kwargs={"pk": candidate_import.pk})),
    ]
    client.force_login(make_user(role))
    for method, url in urls:
        assert getattr(client, method)(url, {"mode": "all"}).status_code == 403
    client.force_login(hr)
    for method, url in urls[:2]:
        assert getattr(client, method)(url).status_code == 200
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("recruitment:import-upload"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_upload_check_run_and_see_the_applications(
    client, opening, hr, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    page = client.get(reverse("recruitment:import-upload")).content.decode()
    assert 'accept=".csv,.xlsx"' in page and "No file has been imported yet." in page

    response = client.post(
        reverse("recruitment:import-upload"), {"file": csv_upload([person(1), person(2)])}
    )
    candidate_import = CandidateImport.objects.get()
    detail_url = reverse("recruitment:import-detail", kwargs={"pk": candidate_import.pk})
    assert response.status_code == 302 and response.url == detail_url
    page = client.get(detail_url).content.decode()
    assert "Every row is valid." in page and "Import all 2 rows" in page
    assert "valid rows only" not in page

    run_url = reverse("recruitment:import-run", kwargs={"pk": candidate_import.pk})
    assert client.get(run_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(run_url, {"mode": "all"})
    job = Job.objects.get()
    assert response.url == reverse("shell:job-detail", kwargs={"pk": job.pk})
    assert job.kind == CANDIDATE_IMPORT_JOB and job.status == Job.Status.DONE
    assert job.started_by == hr and job.result_url == detail_url
    assert (job.done, job.total) == (2, 2)
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.IMPORTED
    assert candidate_import.job == job and candidate_import.created_count == 2
    assert Application.objects.filter(source=Application.Source.IMPORT).count() == 2

    page = client.get(response.url).content.decode()
    assert f'href="{detail_url}"' in page
    page = client.get(detail_url).content.decode()
    assert "This file has been imported." in page
    assert 'name="mode"' not in page  # imported: a new upload imports again, adding nobody twice
    assert "fair.csv" in client.get(reverse("recruitment:import-upload")).content.decode()


def test_the_report_offers_only_the_valid_rows_when_some_are_bad(
    client, opening, hr, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    client.post(
        reverse("recruitment:import-upload"),
        {"file": csv_upload([person(1), person(2), person(3, consent="no")])},
    )
    candidate_import = CandidateImport.objects.get()
    detail_url = reverse("recruitment:import-detail", kwargs={"pk": candidate_import.pk})
    page = client.get(detail_url).content.decode()
    assert "Import the 2 valid rows only" in page and "Import all" not in page
    assert "<td>4</td>" in page and "consent: “no”: the candidate must have agreed" in page

    run_url = reverse("recruitment:import-run", kwargs={"pk": candidate_import.pk})
    response = client.post(run_url, {"mode": "all"}, follow=True)
    assert "1 row has errors. Fix it" in response.content.decode()
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(run_url, {"mode": "valid"})
    assert Application.objects.count() == 2
    assert Job.objects.get().status == Job.Status.DONE


def test_a_file_level_error_is_shown_without_import_buttons(client, opening, hr):
    client.force_login(hr)
    rows = [person(1, first_name="伟", last_name="张")]
    client.post(reverse("recruitment:import-upload"), {"file": csv_upload(rows, encoding="gbk")})
    candidate_import = CandidateImport.objects.get()
    page = client.get(
        reverse("recruitment:import-detail", kwargs={"pk": candidate_import.pk})
    ).content.decode()
    assert "This file cannot be imported" in page and "save it as CSV UTF-8" in page
    assert 'name="mode"' not in page


def test_the_upload_form_refuses_other_files_and_large_ones(client, hr, monkeypatch):
    client.force_login(hr)
    url = reverse("recruitment:import-upload")
    response = client.post(url, {"file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4")})
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    monkeypatch.setattr("workforce.recruitment.import_forms.MAX_FILE_BYTES", 10)
    response = client.post(url, {"file": csv_upload([person(1)])})
    assert "The file is larger than 10 MB; split it." in response.content.decode()
    assert not CandidateImport.objects.exists()


def test_a_second_start_while_the_first_runs_is_refused(opening, hr):
    candidate_import = check(csv_upload([person(1)]), hr)
    job = imports.candidate_import_start(candidate_import=candidate_import, only_valid=False, by=hr)
    assert job.status == Job.Status.QUEUED  # the test's transaction never commits
    with pytest.raises(RecruitmentError, match="being imported already"):
        imports.candidate_import_start(candidate_import=candidate_import, only_valid=False, by=hr)


def test_an_import_whose_job_failed_can_be_started_again(client, opening, hr):
    candidate_import = check(csv_upload([person(1)]), hr)
    job = imports.candidate_import_start(candidate_import=candidate_import, only_valid=False, by=hr)
    client.force_login(hr)
    detail_url = reverse("recruitment:import-detail", kwargs={"pk": candidate_import.pk})
    page = client.get(detail_url).content.decode()
    assert "This file is being imported." in page and 'name="mode"' not in page

    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    page = client.get(detail_url).content.decode()
    assert "stopped before the end" in page and "Import the 1 row" in page
    again = imports.candidate_import_start(
        candidate_import=candidate_import, only_valid=False, by=hr
    )
    assert again != job
