# ruff: noqa: E501
# (the openings' texts keep each sentence whole on one line, as they read)
"""Demo data for recruitment; builder.build calls build() after the people, guidelines and exams,
and after the terms part made the pay schemes each offer names.

Six openings under the careers page, open and closed, in law, medicine and music, and about 80
candidates whose applications stand at every stage of the board. Every application goes
through the services a recruiter and a candidate would use, so each has its stage history,
screening score, interviews and offer; screening exams are really sat, and the graded attempt
moves the application as it does on the site. The history is then dated back over the last
three months, so the board and the funnel look lived in.

Idempotent like the rest of the demo: openings are found by slug, candidates by email and
applications by (candidate, opening); only what is missing is created. Deterministic: the
people, their answers and the stories come from fixed seeds.
"""

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from exams import services as exam_services
from exams.models import Attempt, AttemptItem, Exam, ExamAssignment, Question
from tests.factories import UserFactory
from workforce.payroll.models import PayScheme
from workforce.people.models import Credential, Domain, Rung, Site, Team, User
from workforce.people.roles import Role
from workforce.recruitment import services
from workforce.recruitment.models import (
    Application,
    Candidate,
    CareersIndexPage,
    EducationLevel,
    Interview,
    LanguageLevel,
    Offer,
    OpeningLanguage,
    OpeningPage,
    Skill,
    Stage,
    StageChange,
)

from . import clock
from .exams import BANKS, _answer, _share
from .people import DEMO_PASSWORD
from .records import get_or_make

HR_EMAIL = "hr@example.com"
SUPERVISOR_EMAIL = "supervisor@example.com"
TRAINER_EMAIL = "trainer@example.com"
DEMO_CANDIDATE_EMAIL = "candidate@example.com"
CANDIDATE_EMAIL_DOMAIN = "example.org"

# How many days ago the openings went live, and when the closed ones stopped taking applications.
OPEN_SINCE_DAYS = 70
CLOSED_SINCE_DAYS = 110
CLOSED_DAYS_AGO = 40

OPENINGS = [
    {
        "slug": "legal-qa-specialist",
        "title": "Legal quality specialist",
        "domain": "law",
        "project_name": "Contract review assistant",
        "summary": "Review other annotators' contract labels, settle disagreements and write the gold answers for the legal team in Lisbon. 35 to 40 EUR an hour.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>Review a daily sample of clause labels from the legal team and record a verdict with a reason for each disagreement.</li>"
            "<li>Write and maintain the gold tasks, one in twenty of all tasks, that measure every annotator's accuracy.</li>"
            "<li>Answer appeals against gold answers within seven days, and propose changes to the clause taxonomy when the same confusion keeps coming back.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A master's degree in law and admission to the bar in Portugal or another EU member state.</li>"
            "<li>At least three years of commercial contract work.</li>"
            "<li>English and Portuguese at C1 or above: the contracts come in both.</li></ul>"
            "<h3>Terms</h3>"
            "<p>Hourly contract, 35 to 40 EUR an hour for review time logged in the tool, paid monthly: half the month after, half six months later. Hybrid: two days a week at the Lisbon office.</p>"
        ),
        "employment_type": "hourly",
        "pay": ("35.00", "40.00"),
        "currency": "EUR",
        "site": "Lisbon",
        "location": "Lisbon, Avenida da Liberdade (hybrid)",
        "is_remote": False,
        "min_education": "master",
        "fields_of_study": "Law\nLegal studies",
        "credentials": ["Bar licence", "Law degree"],
        "languages": [("en", "C1"), ("pt", "C1")],
        "closed": "by_hand",
        "offer": (
            "Lisbon domain experts (hourly)",
            "Lisbon Legal",
            "Paid monthly for the review time the labelling tool measures.",
        ),
    },
    {
        "slug": "clinical-notes-annotator",
        "title": "Clinical notes annotator",
        "domain": "medicine",
        "project_name": "Clinical notes extraction",
        "summary": "Annotate de-identified Chinese clinical notes (diagnoses, medications, negations) for a clinical language model, on site in Shanghai. Salaried, about 4,000 CNY a month.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>Mark diagnoses, medications, doses and procedures in de-identified outpatient and discharge notes written in Chinese.</li>"
            "<li>Label each finding as present, absent or uncertain, following the negation rules of the guideline.</li>"
            "<li>Flag any identifier that slipped through de-identification and stop labelling that note.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A bachelor's degree in clinical medicine or nursing; a practising licence is welcome but not required.</li>"
            "<li>Native Chinese and English at B2, to read the guideline and the English drug names.</li></ul>"
            "<h3>Terms</h3>"
            "<p>Salaried, on site in Xuhui: 1,800 CNY base, 200 CNY perfect-attendance bonus and 200 CNY housing allowance a month, with performance pay on accepted items bringing a typical month to about 4,000 CNY. Daily quotas start at 40 notes and grow to 70 to 80 with experience.</p>"
        ),
        "employment_type": "salaried",
        "pay": ("4000.00", "6500.00"),
        "currency": "CNY",
        "site": "Shanghai",
        "location": "Shanghai, Xuhui (on site)",
        "is_remote": False,
        "min_education": "bachelor",
        "fields_of_study": "Clinical medicine\nMedicine\nNursing",
        "credentials": ["Medical degree", "Medical licence"],
        "languages": [("zh-hans", "native"), ("en", "B2")],
        "closed": "by_date",
        "offer": (
            "Shanghai annotator package",
            "Shanghai Medical",
            "About 4,000 CNY in a typical month with performance pay.",
        ),
    },
    {
        "slug": "composition-critic",
        "title": "Composition critic",
        "domain": "music",
        "project_name": "Music generation evaluation",
        "summary": "Write short critiques of AI-generated compositions (form, harmony, voice leading, orchestration) for a music-generation model. Lisbon or remote in Europe, 25 to 30 EUR an hour.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>Listen to generated pieces of one to three minutes with their score, and write a critique of about 150 words a developer can act on.</li>"
            "<li>Rate each piece from 1 to 5 against its prompt; under 3, name the error type.</li>"
            "<li>Take part in the weekly calibration session, where critics compare ratings on the same ten pieces.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A degree in composition, music theory or musicology from a conservatory or university.</li>"
            "<li>A portfolio of your own scores or recordings.</li>"
            "<li>Written English at C1.</li></ul>"
            "<h3>Terms</h3>"
            "<p>Hourly contract, 25 to 30 EUR an hour for critiques accepted by the music lead, paid monthly.</p>"
        ),
        "employment_type": "hourly",
        "pay": ("25.00", "30.00"),
        "currency": "EUR",
        "site": "Lisbon",
        "location": "Lisbon or remote (European time zones)",
        "is_remote": True,
        "min_education": "bachelor",
        "fields_of_study": "Composition\nMusic theory\nMusicology",
        "credentials": ["Conservatory degree", "Portfolio"],
        "languages": [("en", "C1")],
        "closed": "by_hand",
        "offer": (
            "Lisbon domain experts (hourly)",
            "Lisbon Music",
            "Paid monthly for critiques accepted by the music lead.",
        ),
    },
    {
        "slug": "legal-contract-reviewer",
        "title": "Legal contract reviewer",
        "domain": "law",
        "project_name": "Contract review assistant",
        "summary": "Label the clauses of commercial contracts and rate model-written clause summaries for a contract-review AI. Remote, flexible hours, 45 to 55 USD an hour for admitted lawyers.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>Label the clauses of supply, licence, services and NDA agreements with their legal function, following our clause taxonomy.</li>"
            "<li>Rate model-written clause summaries from 1 to 5, and name the error when a summary misstates the law or drops a carve-out.</li>"
            "<li>Flag clauses that need resegmentation or escalation instead of guessing.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A law degree (JD, LLM or equivalent) and admission to the bar in any jurisdiction.</li>"
            "<li>At least two years of transactional or contract work.</li>"
            "<li>Written English at C1 or above.</li></ul>"
            "<h3>How we work</h3>"
            "<p>Before the first paid task you read the contract clause classification guideline and pass its certification exam. Quality is measured on gold tasks, one in twenty. Pay is hourly for time logged in the labelling tool, settled monthly in two halves: the month after, and six months later.</p>"
            "<p>Applying is free. A 15-minute screening exam comes first; the strongest candidates are then invited to a 45-minute video interview.</p>"
        ),
        "employment_type": "hourly",
        "pay": ("45.00", "55.00"),
        "currency": "USD",
        "site": "New York",
        "location": "Remote (US and European time zones)",
        "is_remote": True,
        "min_education": "master",
        "fields_of_study": "Law\nLegal studies",
        "credentials": ["Bar licence", "Law degree"],
        "languages": [("en", "C1")],
        "closed": "",
        "offer": None,
    },
    {
        "slug": "radiology-report-reviewer",
        "title": "Radiology report reviewer",
        "domain": "medicine",
        "project_name": "Chest imaging report summariser",
        "summary": "Label de-identified chest X-ray and CT reports for findings, negation and uncertainty, for report-summarisation and triage models. 40 to 48 USD an hour, remote within the US.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>For each de-identified report, mark each of the fourteen findings of the panel as present, absent, uncertain or not mentioned.</li>"
            "<li>Review model-written impressions against the report and rate them for accuracy and safety.</li>"
            "<li>Flag any identifier left in a report, and any critical finding the model failed to carry into its summary.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A medical degree and a medical licence, current or held within the last five years.</li>"
            "<li>Board certification or residency training in radiology is a strong plus.</li>"
            "<li>Written English at C1.</li></ul>"
            "<h3>Terms</h3>"
            "<p>Hourly contract, 40 to 48 USD an hour depending on specialty, for time logged in the tool, paid monthly in two halves. Most reviewers work 10 to 20 hours a week, at times of their choosing.</p>"
        ),
        "employment_type": "hourly",
        "pay": ("40.00", "48.00"),
        "currency": "USD",
        "site": "New York",
        "location": "New York, NY or remote within the US",
        "is_remote": True,
        "min_education": "master",
        "fields_of_study": "Medicine\nClinical medicine\nRadiology",
        "credentials": ["Medical degree", "Medical licence", "Specialist certification"],
        "languages": [("en", "C1")],
        "closed": "",
        "offer": (
            "US domain experts (hourly)",
            "New York Medical",
            "Paid monthly for the hours on approved timesheets.",
        ),
    },
    {
        "slug": "music-rater",
        "title": "Music rater",
        "domain": "music",
        "project_name": "Music generation evaluation",
        "summary": "Listen to AI-generated music and rate it against its prompt: tempo, harmony, arrangement and audio defects. Piece rate, 0.90 CNY for each accepted rating, about 100 ratings a day.",
        "body": (
            "<h3>What you will do</h3>"
            "<ul><li>Listen to generated clips of 15 to 60 seconds and score them from 1 to 5 against the prompt.</li>"
            "<li>For scores under 3, choose the error type; for sensitive prompts, choose other and describe the problem.</li>"
            "<li>Mark audio defects: clipping, background noise, pitch drift, timing drift.</li></ul>"
            "<h3>What we ask</h3>"
            "<ul><li>A bachelor's degree in music, musicology, composition or sound engineering.</li>"
            "<li>A portfolio or recordings of your own playing or production.</li>"
            "<li>Chinese at C1 (the prompts are in Chinese) and English at B1.</li></ul>"
            "<h3>Terms</h3>"
            "<p>Piece rate: 0.90 CNY for each accepted rating, up to 1.20 CNY after certification as a senior rater. Rejected ratings are redone and unpaid. A newcomer manages about 40 ratings an hour once trained; most raters do about 100 a day.</p>"
        ),
        "employment_type": "piece_rate",
        "pay": ("0.90", "1.20"),
        "currency": "CNY",
        "site": "Shanghai",
        "location": "Shanghai, Pudong (hybrid)",
        "is_remote": False,
        "min_education": "bachelor",
        "fields_of_study": "Music\nMusicology\nComposition\nSound engineering",
        "credentials": ["Conservatory degree", "Portfolio"],
        "languages": [("zh-hans", "C1"), ("en", "B1")],
        "closed": "",
        "offer": (
            "Music ratings (piece rate)",
            None,
            "Rejected ratings are redone and unpaid. About 100 ratings a day at full pace.",
        ),
    },
]

# Each application's story: the opening, the steps it went through, and optionally a tag shared
# by one person's two applications (the same candidate recognised across openings), an origin
# for that person, and whether HR imported it rather than the candidate applying on the site.
# Steps: screen, invite, pass/fail (a screening exam really sat), interview, evaluate (hire) or
# evaluate-no, offer, accept (hired), decline, reject, withdraw. No steps: still at "applied".
EXAM_ATTEMPT = ("invite", "pass")
HIRED_WITH_EXAM = ("screen", "invite", "pass", "interview", "evaluate", "offer", "accept")


def S(slug, steps="", person="", origin="", imported=False):
    return {
        "slug": slug,
        "steps": tuple(steps.split()),
        "person": person,
        "origin": origin,
        "imported": imported,
    }


STORIES = [
    # Closed openings first: their applications are the oldest.
    S("legal-qa-specialist", " ".join(HIRED_WITH_EXAM)),
    S("legal-qa-specialist", "screen reject", person="demo"),
    S("legal-qa-specialist", "screen reject", person="p1"),
    S("legal-qa-specialist", "reject", person="p2"),
    S("legal-qa-specialist", "screen invite fail reject"),
    S("legal-qa-specialist", "screen invite pass interview evaluate-no reject"),
    S("legal-qa-specialist", "screen invite pass withdraw"),
    S("clinical-notes-annotator", "screen interview evaluate offer accept"),
    S("clinical-notes-annotator", "screen reject", person="p3"),
    S("clinical-notes-annotator", "screen withdraw", person="p4"),
    S("clinical-notes-annotator", "reject", person="p5"),
    S("clinical-notes-annotator", "screen invite fail reject"),
    S("clinical-notes-annotator", "screen interview evaluate offer decline"),
    S("composition-critic", " ".join(HIRED_WITH_EXAM)),
    S("composition-critic", "screen reject", person="p6", origin="SH"),
    S("composition-critic", "screen withdraw", person="p7", origin="SH"),
    S("composition-critic", "reject"),
    S("composition-critic", "screen invite pass interview evaluate-no reject"),
    # Legal contract reviewer (open).
    S("legal-contract-reviewer", "", person="p2"),
    S("legal-contract-reviewer", "", imported=True),
    S("legal-contract-reviewer"),
    S("legal-contract-reviewer"),
    S("legal-contract-reviewer"),
    S("legal-contract-reviewer", "screen"),
    S("legal-contract-reviewer", "screen", imported=True),
    S("legal-contract-reviewer", "screen"),
    S("legal-contract-reviewer", "screen invite", person="demo"),
    S("legal-contract-reviewer", "screen invite"),
    S("legal-contract-reviewer", "screen invite"),
    S("legal-contract-reviewer", "screen invite"),
    S("legal-contract-reviewer", "screen invite pass", person="p1"),
    S("legal-contract-reviewer", "screen invite pass"),
    S("legal-contract-reviewer", "screen invite pass"),
    S("legal-contract-reviewer", "screen invite fail"),
    S("legal-contract-reviewer", "screen invite fail"),
    S("legal-contract-reviewer", "screen invite pass interview"),
    S("legal-contract-reviewer", "screen invite pass interview evaluate"),
    S("legal-contract-reviewer", "screen invite pass interview evaluate"),
    S("legal-contract-reviewer", "reject"),
    S("legal-contract-reviewer", "screen invite fail reject"),
    S("legal-contract-reviewer", "screen invite pass interview evaluate-no reject"),
    S("legal-contract-reviewer", "screen withdraw"),
    S("legal-contract-reviewer", "screen invite withdraw"),
    # Radiology report reviewer (open).
    S("radiology-report-reviewer", "", person="p4"),
    S("radiology-report-reviewer", "", imported=True),
    S("radiology-report-reviewer"),
    S("radiology-report-reviewer"),
    S("radiology-report-reviewer", "screen", person="p5"),
    S("radiology-report-reviewer", "screen"),
    S("radiology-report-reviewer", "screen", imported=True),
    S("radiology-report-reviewer", "screen invite"),
    S("radiology-report-reviewer", "screen invite"),
    S("radiology-report-reviewer", "screen invite"),
    S("radiology-report-reviewer", "screen invite pass"),
    S("radiology-report-reviewer", "screen invite pass"),
    S("radiology-report-reviewer", "screen invite fail"),
    S("radiology-report-reviewer", "screen invite fail"),
    S("radiology-report-reviewer", "screen interview"),
    S("radiology-report-reviewer", "screen invite pass interview evaluate"),
    S("radiology-report-reviewer", "screen invite pass interview evaluate"),
    S("radiology-report-reviewer", "screen invite pass interview evaluate offer", person="p3"),
    S("radiology-report-reviewer", "screen interview evaluate offer"),
    S("radiology-report-reviewer", " ".join(HIRED_WITH_EXAM)),
    S("radiology-report-reviewer", "reject"),
    S("radiology-report-reviewer", "screen reject"),
    S("radiology-report-reviewer", "screen invite fail reject"),
    S("radiology-report-reviewer", "screen invite withdraw"),
    # Music rater (open).
    S("music-rater", "", imported=True),
    S("music-rater"),
    S("music-rater"),
    S("music-rater"),
    S("music-rater"),
    S("music-rater", "screen"),
    S("music-rater", "screen"),
    S("music-rater", "screen"),
    S("music-rater", "screen invite"),
    S("music-rater", "screen invite"),
    S("music-rater", "screen invite pass"),
    S("music-rater", "screen invite pass"),
    S("music-rater", "screen invite fail", person="p6"),
    S("music-rater", "screen invite fail"),
    S("music-rater", "screen interview", person="p7"),
    S("music-rater", "screen invite pass interview"),
    S("music-rater", "screen invite pass interview evaluate"),
    S("music-rater", "screen invite pass interview evaluate offer"),
    S("music-rater", "reject"),
    S("music-rater", "screen reject"),
    S("music-rater", "screen invite fail reject"),
    S("music-rater", "screen withdraw"),
]

# Where each opening's applicants come from, as weights over the three demo sites' countries.
ORIGINS = {
    "legal-qa-specialist": {"LX": 8, "NY": 2},
    "clinical-notes-annotator": {"SH": 1},
    "composition-critic": {"LX": 5, "NY": 3, "SH": 2},
    "legal-contract-reviewer": {"NY": 4, "LX": 3, "SH": 3},
    "radiology-report-reviewer": {"NY": 5, "LX": 2, "SH": 3},
    "music-rater": {"SH": 7, "NY": 1, "LX": 2},
}
COUNTRY = {"SH": "CN", "LX": "PT", "NY": "US"}
NATIVE = {"SH": "zh-hans", "LX": "pt", "NY": "en"}
# The interface language each origin's candidates pick: en, zh-hans or fr.
INTERFACE = {
    "SH": ["zh-hans", "zh-hans", "zh-hans", "en"],
    "LX": ["en", "en", "fr"],
    "NY": ["en"] * 5 + ["fr"],
}
CITIES = {
    "SH": ["Shanghai", "Shanghai", "Beijing", "Hangzhou", "Nanjing", "Shenzhen", "Chengdu"],
    "LX": ["Lisboa", "Lisboa", "Porto", "Coimbra", "Braga", "Setúbal"],
    "NY": ["New York", "New York", "Brooklyn", "Boston", "Philadelphia", "Chicago", "Jersey City"],
}
GIVEN_NAMES = {
    "SH": [
        "Wei",
        "Fang",
        "Jing",
        "Lei",
        "Min",
        "Hui",
        "Yan",
        "Tao",
        "Xin",
        "Jun",
        "Ling",
        "Hao",
        "Yifan",
        "Ruoxi",
        "Zhiyuan",
        "Mengyao",
        "Jiahui",
        "Haoran",
        "Shuang",
        "Qiang",
        "Xiaoyu",
        "Chen",
    ],
    "LX": [
        "Ana",
        "João",
        "Inês",
        "Pedro",
        "Marta",
        "Rui",
        "Sofia",
        "Tiago",
        "Beatriz",
        "Miguel",
        "Catarina",
        "Duarte",
        "Mariana",
        "Gonçalo",
        "Leonor",
        "Francisco",
        "Rita",
        "Nuno",
        "Joana",
        "Diogo",
    ],
    "NY": [
        "Olivia",
        "James",
        "Ava",
        "Noah",
        "Maya",
        "Ethan",
        "Grace",
        "Daniel",
        "Chloe",
        "Samuel",
        "Emily",
        "Michael",
        "Hannah",
        "Benjamin",
        "Sarah",
        "Jacob",
        "Rachel",
        "Lucas",
        "Megan",
        "Andrew",
    ],
}
FAMILY_NAMES = {
    "SH": [
        "Zhang",
        "Wang",
        "Li",
        "Liu",
        "Chen",
        "Yang",
        "Zhao",
        "Huang",
        "Zhou",
        "Wu",
        "Xu",
        "Sun",
        "Ma",
        "Zhu",
        "Hu",
        "Guo",
        "He",
        "Lin",
        "Gao",
        "Luo",
    ],
    "LX": [
        "Silva",
        "Santos",
        "Ferreira",
        "Pereira",
        "Oliveira",
        "Costa",
        "Rodrigues",
        "Martins",
        "Sousa",
        "Fernandes",
        "Gonçalves",
        "Gomes",
        "Lopes",
        "Marques",
        "Almeida",
        "Ribeiro",
        "Carvalho",
        "Teixeira",
    ],
    "NY": [
        "Smith",
        "Johnson",
        "Brown",
        "Garcia",
        "Miller",
        "Davis",
        "Lopez",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
    ],
}
# The demo account people log in with to try the candidate's side (made by people.py).
DEMO_CANDIDATE = {
    "first_name": "Carla",
    "last_name": "Mendes",
    "email": DEMO_CANDIDATE_EMAIL,
    "phone": "+351 213 555 017",
    "city": "Lisboa",
    "country": "PT",
    "preferred_language": "en",
    "origin": "LX",
}

INSTITUTIONS = {
    ("law", "SH"): [
        "Fudan University Law School",
        "Peking University Law School",
        "East China University of Political Science and Law",
    ],
    ("law", "LX"): [
        "Faculdade de Direito da Universidade de Lisboa",
        "Universidade Católica Portuguesa",
        "Universidade de Coimbra",
    ],
    ("law", "NY"): ["Columbia Law School", "NYU School of Law", "Fordham University School of Law"],
    ("medicine", "SH"): [
        "Shanghai Jiao Tong University School of Medicine",
        "Fudan University Shanghai Medical College",
        "Zhejiang University School of Medicine",
    ],
    ("medicine", "LX"): [
        "Faculdade de Medicina da Universidade do Porto",
        "NOVA Medical School",
        "Faculdade de Medicina da Universidade de Lisboa",
    ],
    ("medicine", "NY"): [
        "SUNY Downstate College of Medicine",
        "Icahn School of Medicine at Mount Sinai",
        "Johns Hopkins School of Medicine",
    ],
    ("music", "SH"): [
        "Shanghai Conservatory of Music",
        "Central Conservatory of Music",
        "Sichuan Conservatory of Music",
    ],
    ("music", "LX"): [
        "Escola Superior de Música de Lisboa",
        "Universidade de Aveiro",
        "ESMAE Porto",
    ],
    ("music", "NY"): [
        "The Juilliard School",
        "Manhattan School of Music",
        "Berklee College of Music",
    ],
}
UNRELATED_FIELDS = {
    "law": ["Business administration", "Political science"],
    "medicine": ["Pharmacy", "Biomedical engineering"],
    "music": ["Media studies", "Computer science"],
}
COVER_NOTES = {
    "law": [
        "Six years in a commercial practice, mostly supply and licence agreements; I have reviewed AI-drafted contracts for our clients since last year.",
        "In-house counsel at a logistics company; I would like to work on contract review part time, in the evenings.",
        "I clerked for two years and now teach contract law part time.",
    ],
    "medicine": [
        "Radiologist, eight years of reading chest imaging; now part time and interested in report quality work.",
        "Internal medicine resident; I have annotated clinical notes for a university NLP project before.",
        "General practitioner, looking for remote work alongside my clinic hours.",
    ],
    "music": [
        "Pianist and arranger; I rate and mix demos for a small studio every week.",
        "Composer for film and games, with a catalogue of about forty cues.",
        "Music theory teacher; I already review student compositions daily.",
    ],
}
INTERVIEW_NOTES = {
    "law": (
        "Walked through an indemnity carved out of a liability cap without prompting; labels what a clause does, not what its heading says.",
        "Solid on contract basics, but guessed on two ambiguous clauses instead of flagging them; would need close review for months.",
    ),
    "medicine": (
        "Reads the impression before the findings, handles hedged language carefully, and spotted the identifier left in the sample report.",
        "Strong clinician, but labelled from what the image might show rather than from what the report says.",
    ),
    "music": (
        "Described timing feel and dynamics precisely; ratings within one point of the reference panel on nine clips out of ten.",
        "Good ear, but the reviews were mostly taste (not my genre) rather than descriptions a model team could act on.",
    ),
}
DECLINE_REASON = "I accepted a full-time position at my hospital."

# Days between one step and the next, as (shortest, longest).
GAPS = {
    "screen": (0.5, 3),
    "invite": (0.5, 2.5),
    "pass": (1, 3),
    "fail": (1, 3),
    "interview": (1, 4),
    "evaluate": (2, 6),
    "evaluate-no": (2, 6),
    "offer": (1, 4),
    "accept": (1, 4),
    "decline": (1, 5),
    "reject": (1, 5),
    "withdraw": (2, 8),
}
PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "city",
    "country",
    "preferred_language",
}
FINAL_STEPS = {"accept", "decline", "reject", "withdraw"}
LEVELS = [level.value for level in LanguageLevel]
EDUCATION = [level.value for level in EducationLevel]
SPECS = {item["ref"]: item for bank in BANKS.values() for item in bank["questions"]}

PROGRESS_STEPS = 1 + len(OPENINGS)  # the openings, then one step per opening's applications


def build(*, summary, progress) -> None:
    """Openings, candidates and their applications at every stage, with real screening exams."""
    index = CareersIndexPage.objects.first()
    staff = {
        key: User.objects.filter(email=email).first()
        for key, email in [
            ("hr", HR_EMAIL),
            ("supervisor", SUPERVISOR_EMAIL),
            ("trainer", TRAINER_EMAIL),
        ]
    }
    if index is None or not all(staff.values()):
        for _step in range(PROGRESS_STEPS):
            progress.advance(_("Recruitment: no careers page or demo staff, skipped"))
        return
    with services.letters_held():
        with transaction.atomic():
            openings = {spec["slug"]: _opening(index, spec, summary) for spec in OPENINGS}
        progress.advance(_("Openings"))
        context = {
            "staff": staff,
            "password": _Password(),
            "now": clock.now(),
            "annotator": Rung.objects.get(code=Rung.Code.ANNOTATOR),
            "summary": summary,
        }
        plan = _plan()
        for spec in OPENINGS:
            opening = openings[spec["slug"]]
            for entry in (entry for entry in plan if entry["slug"] == spec["slug"]):
                with transaction.atomic():
                    _application(entry, spec, opening, context)
            progress.advance(_("Applications: %(opening)s") % {"opening": opening.title})


class _Password:
    """The demo password, hashed once and only when an account is actually created."""

    def __init__(self):
        self._hash = None

    def __str__(self):
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


# --- openings -----------------------------------------------------------------------------


def _opening(index: CareersIndexPage, spec: dict, summary) -> OpeningPage:
    screening_exam = (
        Exam.objects.filter(purpose=Exam.Purpose.SCREENING, guideline__domain__slug=spec["domain"])
        .order_by("pk")
        .first()
    )
    opening = OpeningPage.objects.filter(slug=spec["slug"]).first()
    if opening is not None:
        summary.count("openings", False)
        if opening.screening_exam_id is None and screening_exam is not None:
            # Built before the exams were: link the exam now, so the exam stories can follow.
            opening.screening_exam = screening_exam
            opening.save_revision().publish()
        return opening
    today = clock.today()
    pay_from, pay_to = spec["pay"]
    credentials = Credential.objects.filter(
        domain__slug=spec["domain"], name__in=spec["credentials"]
    )
    opening = OpeningPage(
        title=spec["title"],
        slug=spec["slug"],
        domain=Domain.objects.get(slug=spec["domain"]),
        project_name=spec["project_name"],
        summary=spec["summary"],
        body=spec["body"],
        employment_type=spec["employment_type"],
        pay_from_amount=Decimal(pay_from),
        pay_to_amount=Decimal(pay_to),
        currency=spec["currency"],
        site=Site.objects.get(name=spec["site"]),
        location=spec["location"],
        is_remote=spec["is_remote"],
        min_education=spec["min_education"],
        fields_of_study=spec["fields_of_study"],
        screening_exam=screening_exam,
        is_closed=spec["closed"] == "by_hand",
        closes_on=today - timedelta(days=CLOSED_DAYS_AGO) if spec["closed"] == "by_date" else None,
    )
    opening.languages = [
        OpeningLanguage(language=code, level=level) for code, level in spec["languages"]
    ]
    index.add_child(instance=opening)
    opening.credentials.add(*credentials)
    opening.save_revision().publish()
    published = clock.now() - timedelta(
        days=CLOSED_SINCE_DAYS if spec["closed"] else OPEN_SINCE_DAYS
    )
    OpeningPage.objects.filter(pk=opening.pk).update(first_published_at=published)
    summary.count("openings", True)
    return OpeningPage.objects.get(pk=opening.pk)


def _as_open(opening: OpeningPage) -> OpeningPage:
    """A closed opening as it was while it took applications: its old applications are filed
    through the same service as new ones. Never saved."""
    past = OpeningPage.objects.get(pk=opening.pk)
    past.is_closed, past.closes_on = False, None
    return past


# --- the plan: who applies where, decided from a fixed seed -------------------------------


def _plan() -> list[dict]:
    """Every demo application with its candidate, the same on every run."""
    rng = random.Random(2026_1121)
    taken = {DEMO_CANDIDATE_EMAIL}
    tagged = {"demo": DEMO_CANDIDATE}
    plan = []
    for number, story in enumerate(STORIES, start=1):
        person = tagged.get(story["person"])
        if person is None:
            origin = story["origin"] or _weighted(rng, ORIGINS[story["slug"]])
            person = _person(rng, origin, number, taken)
            if story["person"]:
                tagged[story["person"]] = person
        plan.append({**story, "person": person, "seed": f"{story['slug']}/{person['email']}"})
    return plan


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, origin: str, number: int, taken: set[str]) -> dict:
    while True:
        first, last = rng.choice(GIVEN_NAMES[origin]), rng.choice(FAMILY_NAMES[origin])
        email = f"{_ascii(first)}.{_ascii(last)}@{CANDIDATE_EMAIL_DOMAIN}".lower()
        if email not in taken:
            taken.add(email)
            break
    phone = {
        "SH": f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {number:04d}",
        "LX": f"+351 91{rng.randint(0, 9)} {rng.randint(100, 999)} {number:03d}",
        "NY": f"+1 212 555 01{number % 100:02d}",  # 555-0100 to 0199: reserved for fiction
    }[origin]
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "city": rng.choice(CITIES[origin]),
        "country": COUNTRY[origin],
        "preferred_language": rng.choice(INTERFACE[origin]),
        "origin": origin,
    }


def _ascii(name: str) -> str:
    return name.translate(str.maketrans("ãáâàçéêíóôõúÁÉÍÓÚ", "aaaaceeiooouAEIOU"))


# --- one application and its story -------------------------------------------------------


def _application(entry: dict, spec: dict, opening: OpeningPage, context: dict) -> None:
    person, steps, summary = entry["person"], entry["steps"], context["summary"]
    exam = opening.screening_exam
    if Application.objects.filter(candidate__email=person["email"], opening=opening).exists():
        summary.count("applications", False)
        return
    if exam is None and any(step in {"invite", "pass", "fail"} for step in steps):
        return  # no screening exam yet (the exams demo did not run): this story waits
    rng = random.Random(entry["seed"])
    times = _timeline(rng, spec, steps, context["now"])
    user = None if entry["imported"] else _account(person, context)
    is_new = not Candidate.objects.filter(email=person["email"]).exists()
    weak = steps[:1] == ("reject",) or (not steps and rng.random() < 0.3)
    application = services.application_submit(
        user=user,
        opening=_as_open(opening) if spec["closed"] else opening,
        personal={key: value for key, value in person.items() if key in PERSONAL_FIELDS},
        education=_education(rng, spec, person["origin"], weak),
        languages=_languages(rng, spec, person["origin"], weak),
        credentials=_credentials(rng, spec, opening, person, weak),
        cv=None,
        cover_note=rng.choice(COVER_NOTES[spec["domain"]]) if rng.random() < 0.6 else "",
        source=Application.Source.IMPORT if entry["imported"] else Application.Source.WEB,
        applied_at=times[0],
    )
    summary.count("applications", True)
    summary.count("candidates", is_new)
    candidate = application.candidate
    Candidate.objects.filter(pk=candidate.pk, created_at__gt=times[0]).update(created_at=times[0])
    if user is not None:
        User.objects.filter(pk=user.pk, date_joined__gt=times[0]).update(
            date_joined=times[0] - timedelta(minutes=20)
        )
    story = _Story(application, spec, user, context, rng)
    for number, step in enumerate(steps):
        following = steps[number + 1] if number + 1 < len(steps) else None
        next_at = times[number + 2] if number + 2 < len(times) else None
        story.step(step, times[number + 1], following, next_at)


def _timeline(
    rng: random.Random, spec: dict, steps: tuple[str, ...], now: datetime
) -> list[datetime]:
    """When the application was filed and when each step happened: recent for applications
    still moving, earlier for closed ones, and inside the time the opening was live."""
    offsets, total = [0.0], 0.0
    for step in steps:
        total += rng.uniform(*GAPS[step])
        offsets.append(total)
    if steps[-1:] == ("accept",):  # hires are recent, so the new workers are still onboarding
        end = now - timedelta(days=rng.uniform(2, 9))
        if spec["closed"]:  # applied shortly before the opening closed; a slower hire
            start = now - timedelta(days=rng.uniform(CLOSED_DAYS_AGO + 3, CLOSED_DAYS_AGO + 20))
        else:
            start = end - timedelta(days=total)
    elif spec["closed"]:
        start = now - timedelta(days=rng.uniform(CLOSED_DAYS_AGO + 22, CLOSED_SINCE_DAYS - 12))
        end = start + timedelta(days=total)
    else:
        # Applications still moving had their last step in the last few days.
        if steps and steps[-1] in FINAL_STEPS:
            idle = rng.uniform(1, 45)
        else:
            idle = rng.uniform(0.1, 3) if steps else rng.uniform(0.2, 12)
        start = max(now - timedelta(days=total + idle), now - timedelta(days=OPEN_SINCE_DAYS - 2))
        end = start + timedelta(days=total)
    scale = (end - start) / timedelta(days=total) if total else 1
    return [start + timedelta(days=offset * scale) for offset in offsets]


def _account(person: dict, context: dict) -> User:
    """The candidate's login: applying on the site needs one, and so does the screening exam."""
    user, created = get_or_make(
        UserFactory,
        lookup={"email": person["email"]},
        password_hash=str(context["password"]),
        first_name=person["first_name"],
        last_name=person["last_name"],
        preferred_language=person["preferred_language"],
        roles=[Role.CANDIDATE],
    )
    context["summary"].count("users", created)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _education(rng: random.Random, spec: dict, origin: str, weak: bool) -> dict:
    lowest = EDUCATION.index(spec["min_education"])
    level = EDUCATION[min(lowest + rng.choice([0, 0, 1]), len(EDUCATION) - 1)]
    field = rng.choice(spec["fields_of_study"].splitlines())
    if weak and rng.random() < 0.5:
        level = EDUCATION[lowest - 1]
    elif weak:
        field = rng.choice(UNRELATED_FIELDS[spec["domain"]])
    return {
        "education_level": level,
        "field_of_study": field,
        "institution": rng.choice(INSTITUTIONS[(spec["domain"], origin)]),
        "graduation_year": rng.randint(2006, 2023),
    }


def _languages(rng: random.Random, spec: dict, origin: str, weak: bool) -> list[tuple[str, str]]:
    native = NATIVE[origin]
    declared = {native: "native"}
    for number, (code, need) in enumerate(spec["languages"]):
        if code == native:
            continue
        rank = LEVELS.index(need)
        if weak and number == len(spec["languages"]) - 1:
            rank -= rng.choice([1, 2])
        elif rng.random() < 0.15:
            rank -= 1  # a notch short: the recruiter decides whether it matters
        else:
            rank = min(rank + rng.choice([0, 0, 1]), LEVELS.index("C2"))
        declared[code] = LEVELS[max(rank, 0)]
    if rng.random() < 0.3:
        declared.setdefault(rng.choice(["fr", "es", "de"]), rng.choice(["A2", "B1", "B2"]))
    return list(declared.items())


def _credentials(
    rng: random.Random, spec: dict, opening: OpeningPage, person: dict, weak: bool
) -> dict:
    origin = person["origin"]
    slug = f"{_ascii(person['first_name'])}-{_ascii(person['last_name'])}".lower()
    institution = rng.choice(INSTITUTIONS[(spec["domain"], origin)])
    entries = {}
    for number, credential in enumerate(opening.credentials.order_by("name")):
        if weak and number == 0:
            continue  # the gap the screening score shows
        if not credential.is_required and rng.random() < 0.5:
            continue  # asked for, not needed: many good candidates lack it
        entries[credential.pk] = {
            Credential.Kind.LICENCE: (_licence(rng, spec["domain"], origin), ""),
            Credential.Kind.DEGREE: (f"{_degree(spec['domain'], origin)}, {institution}", ""),
            Credential.Kind.CERTIFICATE: (_specialty(origin), ""),
            Credential.Kind.PORTFOLIO: ("", f"https://portfolio.example.org/{slug}"),
        }[credential.kind]
    return entries


def _licence(rng: random.Random, domain: str, origin: str) -> str:
    number = rng.randint(100000, 999999)
    if domain == "law":
        return {
            "SH": f"Lawyer's practice certificate 13101{number}{rng.randint(1000, 9999)}",
            "LX": f"Ordem dos Advogados, cédula {number // 10}L",
            "NY": f"New York State Bar, registration {number}",
        }[origin]
    return {
        "SH": f"Physician practising certificate 1103100{number}",
        "LX": f"Ordem dos Médicos, no. {number // 10}",
        "NY": f"New York State medical licence {number}",
    }[origin]


def _degree(domain: str, origin: str) -> str:
    return {
        "law": {"SH": "LLM", "LX": "Mestrado em Direito", "NY": "JD"},
        "medicine": {
            "SH": "MD (eight-year programme)",
            "LX": "Mestrado Integrado em Medicina",
            "NY": "MD",
        },
        "music": {"SH": "BMus", "LX": "Licenciatura em Música", "NY": "BMus"},
    }[domain][origin]


def _specialty(origin: str) -> str:
    return {
        "SH": "Standardised residency training certificate, radiology",
        "LX": "Especialista em Radiologia, Ordem dos Médicos",
        "NY": "American Board of Radiology, diagnostic radiology",
    }[origin]


class _Story:
    """Walks one application through its steps with the services, dating each step."""

    def __init__(
        self, application: Application, spec: dict, user, context: dict, rng: random.Random
    ):
        self.application, self.spec, self.user, self.rng = application, spec, user, rng
        self.hr, self.summary, self.context = context["staff"]["hr"], context["summary"], context
        self.interview = self.offer = None

    def step(
        self, step: str, at: datetime, following: str | None, next_at: datetime | None
    ) -> None:
        application = self.application
        match step:
            case "screen":
                services.stage_move(application=application, to_stage=Stage.SCREENING, by=self.hr)
            case "invite":
                services.applications_invite_to_exam(applications=[application], by=self.hr)
                ExamAssignment.objects.filter(
                    exam=application.opening.screening_exam, user=self.user
                ).update(assigned_at=at)
            case "pass" | "fail":
                self._sit_exam(passes=step == "pass", at=at)
            case "interview":
                held_at = next_at if following in {"evaluate", "evaluate-no"} else None
                self._interview(held_at)
            case "evaluate" | "evaluate-no":
                self._evaluate(at, hire=step == "evaluate")
                return  # no move on the board
            case "offer":
                self._offer(at, accepting=following == "accept")
            case "accept":
                services.offer_accept(offer=self.offer, user=self.user)
                respond_by = max(self.offer.made_at.date() + timedelta(days=7), at.date())
                Offer.objects.filter(pk=self.offer.pk).update(
                    responded_at=at, respond_by=respond_by
                )
                self.summary.count("workers", True)
            case "decline":
                services.offer_decline(offer=self.offer, user=self.user, reason=DECLINE_REASON)
                Offer.objects.filter(pk=self.offer.pk).update(responded_at=at)
            case "reject":
                services.applications_reject(
                    applications=[application], by=self.hr, reason=self._rejection_reason()
                )
            case "withdraw":
                services.application_withdraw(application=application, by=self.user)
        self._date_last_move(at)

    def _date_last_move(self, at: datetime) -> None:
        """The services record each move at the moment they run; the demo's story happened
        over weeks, so the move just made is dated back to its place in the story."""
        change = self.application.stage_changes.order_by("-pk").first()
        StageChange.objects.filter(pk=change.pk).update(changed_at=at)
        Application.objects.filter(pk=self.application.pk).update(stage_changed_at=at)
        self.application.stage_changed_at = at

    def _sit_exam(self, *, passes: bool, at: datetime) -> None:
        """The candidate sits the screening exam as on the site: start, answer, submit. Answers
        are right often enough to pass or fail as the story needs; a trainer grades free text."""
        application, rng = self.application, self.rng
        exam = application.opening.screening_exam
        attempt = exam_services.attempt_start(user=self.user, exam=exam)
        items = list(attempt.items.select_related("question").order_by("position"))
        specs = [SPECS.get(item.question.ref, {}) for item in items]
        right = [rng.random() < (0.85 if passes else 0.3) for _item in items]

        def shares():
            return [
                _share(item.question, ok, spec)
                for item, ok, spec in zip(items, right, specs, strict=True)
            ]

        def percent():
            earned = sum(
                item.max_points * share for item, share in zip(items, shares(), strict=True)
            )
            total = sum(item.max_points for item in items)
            return earned * 100 / total if total else Decimal(0)

        for i in rng.sample(range(len(items)), len(items)):
            if (percent() >= exam.pass_mark_percent) == passes:
                break
            right[i] = passes
        for item, ok, spec in zip(items, right, specs, strict=True):
            exam_services.attempt_save_answer(
                attempt=attempt, position=item.position, answer=_answer(item.question, ok, spec)
            )
        exam_services.attempt_submit(attempt=attempt)
        trainer = self.context["staff"]["trainer"]
        ungraded = set(attempt.items.filter(points__isnull=True).values_list("pk", flat=True))
        for item, share in zip(items, shares(), strict=True):
            if item.pk in ungraded:  # free text, graded by hand
                exam_services.item_grade(
                    item=item,
                    points=(item.max_points * share).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    ),
                    grader=trainer,
                    comment="Meets the rubric." if share == 1 else "Half of the rubric.",
                )
        attempt.refresh_from_db()
        # The attempt_graded signal does this once the transaction commits; doing it here keeps
        # the story in order (and works inside tests, where nothing commits). Doing it twice
        # changes nothing.
        services.screening_result_record(attempt=attempt)
        application.refresh_from_db()
        self.summary.count("screening attempts", True)
        hand_graded = attempt.items.filter(grader__isnull=False).exists()
        submitted = at - timedelta(hours=5 if hand_graded else 0, minutes=1)
        started = submitted - timedelta(minutes=rng.randint(8, exam.time_limit_minutes - 1))
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=started,
            deadline_at=started + timedelta(minutes=exam.time_limit_minutes),
            submitted_at=submitted,
            graded_at=at,
        )
        for item in items:
            item.answered_at = started + timedelta(minutes=item.position)
            item.graded_at = at if item.question.kind == Question.Kind.LONG_TEXT else submitted
        AttemptItem.objects.bulk_update(items, ["answered_at", "graded_at"])

    def _interview(self, evaluated_at: datetime | None) -> None:
        """Schedule the interview: held an hour before its evaluation, or still to come."""
        interviewers = [self.context["staff"]["supervisor"], self.hr]
        interviewer = interviewers[self.rng.randint(0, 1)]
        if evaluated_at is None:  # in the next days, at a round hour
            day = self.context["now"] + timedelta(days=self.rng.randint(1, 6))
            scheduled_at = day.replace(
                hour=self.rng.choice([9, 10, 14, 15]), minute=0, second=0, microsecond=0
            )
        else:
            scheduled_at = evaluated_at - timedelta(hours=1, minutes=self.rng.randint(5, 30))
        place = link = ""
        if self.spec["is_remote"] or self.spec["site"] == "New York":
            link = f"https://meet.example.com/{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}"
        else:
            place = f"{self.spec['site']} office, meeting room {self.rng.randint(1, 4)}"
        self.interview = services.interview_schedule(
            application=self.application,
            by=self.hr,
            interviewer=interviewer,
            scheduled_at=scheduled_at,
            duration_minutes=45,
            place=place,
            meeting_link=link,
        )
        self.summary.count("interviews", True)

    def _evaluate(self, at: datetime, *, hire: bool) -> None:
        interview = self.interview
        ratings = {
            skill: self.rng.randint(4, 5) if hire else self.rng.randint(2, 3)
            for skill in Skill.values
        }
        average = sum(ratings.values()) / len(ratings)
        if hire:
            recommendation = (
                Interview.Recommendation.STRONG_HIRE
                if average >= 4.6
                else Interview.Recommendation.HIRE
            )
        else:
            recommendation = Interview.Recommendation.NO_HIRE
        services.interview_evaluate(
            interview=interview,
            by=interview.interviewer,
            ratings=ratings,
            recommendation=recommendation,
            notes=INTERVIEW_NOTES[self.spec["domain"]][0 if hire else 1],
        )
        Interview.objects.filter(pk=interview.pk).update(evaluated_at=at)

    def _offer(self, at: datetime, *, accepting: bool) -> None:
        scheme_name, team_name, other_terms = self.spec["offer"]
        site = Site.objects.get(name=self.spec["site"])
        today = clock.today()
        respond_by = (at + timedelta(days=10)).date()
        start_on = respond_by + timedelta(days=14)
        if accepting:  # the offer is accepted later in the story: still open when it is
            respond_by = max(respond_by, today)
            start_on = max(start_on, today + timedelta(days=7))
        self.offer = services.offer_make(
            application=self.application,
            by=self.hr,
            rung=self.context["annotator"],
            site=site,
            team=Team.objects.filter(name=team_name).first() if team_name else None,
            scheme=PayScheme.objects.get(name=scheme_name),
            pay_summary=other_terms,
            start_on=start_on,
            respond_by=respond_by,
            language=self.application.candidate.preferred_language,
        )
        Offer.objects.filter(pk=self.offer.pk).update(made_at=at)
        self.offer.made_at = at
        self.summary.count("offers", True)

    def _rejection_reason(self) -> str:
        application = self.application
        match application.stage:
            case Stage.APPLIED:
                return f"Does not meet the opening's requirements (screening score {application.screening_score}%)."
            case Stage.SCREENING if self.spec["closed"]:
                return "The opening was filled before we reached this application; the details are kept for the next opening in the domain."
            case Stage.SCREENING:
                return "Other candidates' experience fits the project more closely."
            case Stage.EXAM_FAILED:
                return "Screening exam below the pass mark."
        return "After the interview: not yet ready for unsupervised work on this project."
