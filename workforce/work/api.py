"""Work records pushed by annotation tools, on the projects app's API (same tokens, same docs).

POST /api/v1/work-records with a list of records. Each is upserted by (worker, project, day)
among the records the API has pushed, so a tool may send a day's totals again as they grow.
All or nothing: if any record is refused, none is written, and the answer lists each refused
record by its position with the reason.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from . import services

router = Router(tags=["work"])


class WorkRecordIn(Schema):
    worker: str = Field(description="Employee number or email address.")
    project_id: int
    date: datetime.date = Field(description="The local day of the work at the worker's site.")
    items_submitted: int = Field(0, ge=0)
    items_accepted: int = Field(0, ge=0)
    items_rejected: int = Field(0, ge=0)
    gold_seen: int = Field(0, ge=0)
    gold_correct: int = Field(0, ge=0)
    active_minutes: int = Field(0, ge=0)


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
    response={200: PushOut, 422: RefusedOut},
    summary="Push daily work records",
)
def work_records_push(request, records: list[WorkRecordIn]):
    """Counts are for one worker, project and day. Refused: an unknown worker or project, a
    worker not ready on the project that day, counts that do not add up (accepted + rejected
    at most submitted, gold correct at most gold seen, at most 24 hours), a future day, and
    active minutes beyond a harmful-content project's daily or weekly exposure limit."""
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
