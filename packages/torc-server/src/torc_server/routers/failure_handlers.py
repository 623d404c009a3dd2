"""Named exit-code rules that decide job retries (tag ``failure_handlers``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

import torc_models as m
from torc_server import crud
from torc_server.context import ServerContext
from torc_server.crud_routes import register_crud
from torc_server.dispatch import operation
from torc_server.errors import Unprocessable
from torc_server.resources import failure_handlers


class Rule(BaseModel):
    """One rule of ``rules``; fields not named here are kept as they are."""

    model_config = ConfigDict(strict=True, extra="allow")
    exit_codes: list[int] | None = None
    match_all_exit_codes: bool | None = None
    recovery_script: str | None = None
    max_retries: int | None = Field(default=None, ge=0)


RULES = TypeAdapter(list[Rule])


def check_rules(rules: str) -> None:
    try:
        RULES.validate_json(rules)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"{'rule ' + where if where else 'the value'}: {err['msg']}")
        raise Unprocessable(
            "rules must be a JSON array of objects with exit_codes (list of integers), "
            "match_all_exit_codes (boolean), recovery_script (string) and max_retries "
            "(integer >= 0); " + "; ".join(problems)
        ) from None


@operation("create_failure_handler")
def create_failure_handler(
    ctx: ServerContext, failure_handler_model: m.FailureHandlerModel
) -> dict[str, Any]:
    body = failure_handler_model
    check_rules(body.rules)
    with ctx.db.write() as conn:
        crud.require_workflow(conn, body.workflow_id)
        crud.require_unique_name(conn, failure_handlers, body.workflow_id, body.name)
        return failure_handlers.create(conn, body)


register_crud(
    failure_handlers,
    get="get_failure_handler",
    delete="delete_failure_handler",
    list_="list_failure_handlers",
    scope="id",
)
