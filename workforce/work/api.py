"""Work records pushed by annotation tools, on the projects app's API (same tokens, same docs).

POST /api/v1/work-records with a list of records. Each is upserted by (worker, project, day)
among the records the API has pushed, so a tool may send a day's totals again as they grow.
All or nothing: if any record is refused, none is written, and the answer lists each refused
record by its position with the reason.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from workforce.projects.api import MAX_ID, Invalid, Problem, require_access

from . import services
from .models import MAX_ITEMS_PER_DAY, MINUTES_A_DAY

router = Router(tags=["work"])

MAX_RECORDS_PER_PUSH = 1000
# Before any work this system could have recorded, and short of the calendar's end, so a
# day's week and neighbours are always dates.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(9000, 12, 31)
RECORDS = Body(..., min_length=1, max_length=MAX_RECORDS_PER_PUSH)


def _count(description: str, most: int = MAX_ITEMS_PER_DAY):
    return Field(0, ge=0, le=most, description=description)


class WorkRecordIn(Schema):
    worker: str = Field(max_length=254, description="Employee number or email address.")
    project_id: int = Field(ge=1, le=MAX_ID, description="A project this token may write to.")
    date: datetime.date = Field(
        ge=FIRST_DAY, le=LAST_DAY, description="The local day of the work at the worker's site."
    )
    items_submitted: int = _count("Items the worker submitted that day.")
    items_accepted: int = _count("Of those, items accepted.")
    items_rejected: int = _count("Of those, items rejected.")
    gold_seen: int = _count("Gold (known-answer) items seen.")
    gold_correct: int = _count("Of those, answered correctly.")
    active_minutes: int = _count("Minutes of active work that day.", MINUTES_A_DAY)


class PushOut(Schema):
    created: int
    updated: int


class Refusal(Schema):
    index: int
    detail: str


class RefusedOut(Schema):
    detail: str
    refused: list[Refusal]


@router.post(
    "/work-records",
    response={
        200: PushOut,
        400: Problem,
        401: Problem,
        403: Problem,
        422: RefusedOut | Invalid,
    },
    summary="Push daily work records",
)
def work_records_push(
    request,
    records: list[WorkRecordIn] = RECORDS,
):
    """Counts are for one worker, project and day. The schema refuses numbers out of their
    bounds and more than 1,000 records at once (422 with a list of field errors). Then refused
    row by row (422 with `refused`): an unknown worker, a project that does not exist or that
    this token may not write to, a worker not ready on the project that day, counts that do not
    add up (accepted + rejected at most submitted, gold correct at most gold seen, at most 24
    hours), a future day, and active minutes beyond a harmful-content project's daily or weekly
    exposure limit. A token without write access gets 403."""
    require_access(request.auth, write=True)
    try:
        result = services.records_push(
            rows=[record.dict() for record in records], token=request.auth
        )
    except services.WorkError as error:
        refused = error.args[0]
        return Status(
            422,
            {
                "detail": _("%(refused)s of %(total)s records refused; none written.")
                % {"refused": len(refused), "total": len(records)},
                "refused": refused,
            },
        )
    return {"created": result.created, "updated": result.updated}
