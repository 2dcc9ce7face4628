"""Reading Label Studio's JSON export into one row per annotation.

The export is a list of tasks (or a single task object). Each task has an `id` and
`annotations[]`; each annotation has an `id`, `completed_by` (an integer user id, or an object
with `id` and `email`), `lead_time` in seconds, `created_at`, `was_cancelled` (skipped),
`ground_truth`, `result[]` and, in Enterprise exports, `reviews[]` with `accepted`.
"""

import json
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.utils.translation import gettext as _

COLUMNS = [
    "external_id",
    "task_ref",
    "user_id",
    "email",
    "lead_seconds",
    "created_at",
    "was_cancelled",
    "ground_truth",
    "label",
    "score",
    "review",
]
# Keys of a result's value that place it on screen but say nothing about the answer.
GEOMETRY = {"x", "y", "width", "height", "rotation", "original_width", "original_height"}


class LabelStudioError(ValueError):
    """The file is not a Label Studio export; the message says what is wrong."""


def _canonical(result) -> tuple[str, Decimal | None]:
    """The answer as comparable text (equal text, equal answer) and its score when the answer
    is a single rating, number or numeric choice."""
    if not isinstance(result, list):
        return "", None
    parts = []
    for item in result:
        if not isinstance(item, dict):
            continue
        value = item.get("value") or {}
        if isinstance(value, dict):
            value = {
                key: sorted(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v
                for key, v in value.items()
                if key not in GEOMETRY
            }
        parts.append(
            json.dumps(
                {"from": item.get("from_name", ""), "type": item.get("type", ""), "value": value},
                sort_keys=True,
                ensure_ascii=False,
            )
        )
    parts.sort()
    return "\n".join(parts), _score(result)


def _score(result: list) -> Decimal | None:
    """The one rating or number in the answer, such as a 1-5 score given with an error type;
    else the one choice when it is a number ("4"). None when there is no single score."""
    answers = [item for item in result if isinstance(item, dict)]
    values = [item["value"] for item in answers if isinstance(item.get("value"), dict)]
    scores = [v.get("rating", v.get("number")) for v in values if "rating" in v or "number" in v]
    if len(scores) == 1:
        raw = scores[0]
    elif not scores and len(values) == 1 and len(values[0].get("choices") or []) == 1:
        raw = values[0]["choices"][0]
    else:
        return None
    try:
        score = Decimal(str(raw))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return score if score.is_finite() else None


def _user(completed_by) -> tuple[str, str]:
    if isinstance(completed_by, dict):
        user_id = completed_by.get("id")
        return ("" if user_id is None else str(user_id)), str(completed_by.get("email") or "")
    if completed_by is None:
        return "", ""
    return str(completed_by), ""


def _review(annotation: dict) -> str:
    """The latest review's verdict: "accepted", "rejected", or "" when nobody reviewed it."""
    reviews = [r for r in annotation.get("reviews") or [] if isinstance(r, dict)]
    if not reviews:
        return ""
    latest = max(reviews, key=lambda r: str(r.get("created_at") or ""))
    if latest.get("accepted") is True:
        return "accepted"
    if latest.get("accepted") is False:
        return "rejected"
    return ""


def annotations(data: bytes) -> pd.DataFrame:
    """One row per annotation in the export, in the file's order."""
    try:
        tasks = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LabelStudioError(
            _("The file is not JSON (%(error)s). Export the project from Label Studio as JSON.")
            % {"error": error}
        ) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise LabelStudioError(
            _("The file holds no Label Studio tasks: expected a list of tasks or one task.")
        )
    rows = []
    for number, task in enumerate(tasks, start=1):
        if "annotations" not in task:
            raise LabelStudioError(
                _("Task %(number)s has no annotations list: is this a Label Studio export?")
                % {"number": number}
            )
        task_ref = str(task.get("id", f"#{number}"))
        for annotation in task.get("annotations") or []:
            if not isinstance(annotation, dict) or annotation.get("id") is None:
                raise LabelStudioError(
                    _("Task %(task)s has an annotation without an id.") % {"task": task_ref}
                )
            user_id, email = _user(annotation.get("completed_by"))
            label, score = _canonical(annotation.get("result"))
            try:
                lead = float(annotation.get("lead_time") or 0)
            except (TypeError, ValueError):
                lead = 0.0
            rows.append(
                (
                    str(annotation["id"]),
                    task_ref,
                    user_id,
                    email.strip().lower(),
                    max(lead, 0.0),
                    str(annotation.get("created_at") or ""),
                    bool(annotation.get("was_cancelled")),
                    bool(annotation.get("ground_truth")),
                    label,
                    score,
                    _review(annotation),
                )
            )
    return pd.DataFrame.from_records(rows, columns=COLUMNS)
