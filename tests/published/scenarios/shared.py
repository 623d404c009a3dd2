# mypy: ignore-errors
"""Both generations on one server: this client adds its workflow (metadata and settings in
its own shape) and then reads every workflow of the shared server, those the other
generation wrote included, each in this client's shape. One bad record of the other shape
would break the parsing of the whole page. Run as ``python shared.py SERVER_URL``."""

from __future__ import annotations

import json

from _support import GENERATION, VERSION, Scenario, equal, expect

from torc.openapi_client.models import WorkflowModel

MODERN = GENERATION >= (0, 35)
METADATA = {"written_by": "", "n": 1}
SETTINGS = {"mode": "direct"}


def shaped(value: dict) -> object:
    """The value as this client sends it: an object from 0.35 on, JSON text before."""
    return value if MODERN else json.dumps(value)


def decoded(value: object, where: str) -> dict:
    """The value this client got, checked to be in its shape, as a dict."""
    if MODERN:
        if hasattr(value, "to_dict"):  # a typed settings model in 0.35
            value = {k: v for k, v in value.to_dict().items() if v is not None}
        expect(isinstance(value, dict), f"{where} is {type(value).__name__}, not an object")
        return value
    expect(isinstance(value, str), f"{where} is {type(value).__name__}, not a JSON string")
    return json.loads(value)


def main() -> None:
    run = Scenario("shared")
    api = run.api()

    with run.step("create this generation's workflow"):
        metadata = {**METADATA, "written_by": VERSION}
        model = WorkflowModel(
            name=f"shared-{VERSION}",
            user="mixed",
            metadata=shaped(metadata),
            execution_config=shaped(SETTINGS),
        )
        api.create_workflow(model)

    with run.step("list every workflow of the shared server"):
        listed = api.list_workflows(user="mixed").items
        names = sorted(w.name for w in listed)
        expect(f"shared-{VERSION}" in names, f"own workflow missing from {names}")
        for workflow in listed:
            where = f"{workflow.name}.metadata"
            got = decoded(workflow.metadata, where)
            equal(got, {**METADATA, "written_by": workflow.name.removeprefix("shared-")}, where)
            settings = decoded(workflow.execution_config, f"{workflow.name}.execution_config")
            equal(settings, SETTINGS, f"{workflow.name}.execution_config")

    run.finish()


if __name__ == "__main__":
    main()
