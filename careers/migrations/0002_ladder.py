"""The ladder as the company starts with it: what each rung is and what the step up to it
takes. HR edits both in the admin; certificate criteria are added once the exams exist."""

from decimal import Decimal

from django.db import migrations

PROFILES = {
    "annotator": (
        "Labels data for a project's guideline, at the accuracy and pace the project sets.",
        "Label the items assigned each day\nKeep accuracy on gold items up\n"
        "Fix rejected items\nRaise unclear cases with the quality inspector",
    ),
    "quality_inspector": (
        "Reviews other annotators' work, accepts or rejects it with a note, and keeps the gold "
        "set honest.",
        "Review a sample of each annotator's items\nWrite a note on every rejection\n"
        "Propose new gold items\nFlag guideline gaps to the trainer",
    ),
    "trainer": (
        "Teaches the guideline to newcomers and to annotators who struggle, and writes exam "
        "questions.",
        "Run onboarding sessions\nCoach annotators below target\n"
        "Write and review exam questions\nKeep the guideline's examples current",
    ),
    "supervisor": (
        "Leads a team: attendance, targets, quality and people's growth.",
        "Approve leave and timesheets\nWatch the team's throughput and quality\n"
        "Nominate people for promotion\nHand the payroll report upward",
    ),
    "project_manager": (
        "Runs a vertical project: its requirements, experts, schedule and budget.",
        "Open projects and set their requirements\nOnboard experts\n"
        "Decide promotions\nAnswer for the project's quality and cost",
    ),
}

# (kind, threshold, window in days) for the step up to each rung.
CRITERIA = {
    "quality_inspector": [
        ("tenure", "3", 90),
        ("performance", "80", 90),
        ("gold_accuracy", "95", 90),
        ("acceptance_rate", "95", 90),
        ("throughput", "90", 90),
        ("attendance", "95", 90),
        ("no_disciplinary_case", None, 90),
    ],
    "trainer": [
        ("tenure", "6", 90),
        ("performance", "85", 90),
        ("gold_accuracy", "97", 90),
        ("acceptance_rate", "97", 90),
        ("attendance", "95", 90),
        ("no_disciplinary_case", None, 90),
    ],
    "supervisor": [
        ("tenure", "9", 90),
        ("performance", "85", 180),
        ("attendance", "95", 180),
        ("no_disciplinary_case", None, 90),
        ("leadership", None, 365),
    ],
    # Supervisors lead rather than label, so no labelling score is asked of them.
    "project_manager": [
        ("tenure", "12", 90),
        ("attendance", "95", 180),
        ("no_disciplinary_case", None, 90),
        ("leadership", None, 365),
    ],
}


def seed(apps, schema_editor=None):
    Rung = apps.get_model("people", "Rung")
    RungProfile = apps.get_model("careers", "RungProfile")
    Criterion = apps.get_model("careers", "Criterion")
    rungs = {rung.code: rung for rung in Rung.objects.all()}
    for code, (description, responsibilities) in PROFILES.items():
        if code in rungs:
            RungProfile.objects.get_or_create(
                rung=rungs[code],
                defaults={"description": description, "responsibilities": responsibilities},
            )
    for code, criteria in CRITERIA.items():
        if code not in rungs or Criterion.objects.filter(rung=rungs[code]).exists():
            continue
        for position, (kind, threshold, window) in enumerate(criteria):
            Criterion.objects.create(
                rung=rungs[code],
                kind=kind,
                threshold=Decimal(threshold) if threshold else None,
                window_days=window,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [("careers", "0001_initial"), ("people", "0002_roles_and_rungs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
