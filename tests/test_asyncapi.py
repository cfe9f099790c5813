"""Each service's AsyncAPI document is generated from its code and committed."""

from __future__ import annotations

import json

import pytest
from devstack.asyncapi_docs import generate, path
from devstack.stack import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_document_is_up_to_date(service: str) -> None:
    assert path(service).read_text(encoding="utf-8") == generate(service), (
        f"{path(service)} is stale: run `make asyncapi`"
    )


def test_documents_name_what_each_service_publishes_and_consumes() -> None:
    def addresses(service: str, action: str) -> set[str]:
        spec = json.loads(path(service).read_text(encoding="utf-8"))
        channels = spec["channels"]
        return {
            channels[op["channel"]["$ref"].rsplit("/", 1)[-1]]["address"]
            for op in spec["operations"].values()
            if op["action"] == action
        }

    assert addresses("intake", "send") == {"alize.intake.calls", "alize.intake.applications"}
    assert addresses("committee", "receive") == {
        "alize.intake.calls",
        "alize.intake.applications",
        "alize.missions.advances",
    }
    assert addresses("committee", "send") >= {
        "alize.committee.projects",
        "alize.committee.sessions",
        "alize.committee.partners",
    }
    assert addresses("missions", "receive") == {"alize.committee.projects"}
    assert addresses("missions", "send") == {
        "alize.missions.missions",
        "alize.missions.jobs",
        "alize.missions.advances",
        "alize.missions.guidance",
    }
    assert addresses("metrics", "send") == set()
    spec = json.loads(path("committee").read_text(encoding="utf-8"))
    assert (
        "ProjectApproved" in spec["components"]["schemas"] and "ApplicationSubmitted" in spec["components"]["schemas"]
    )
