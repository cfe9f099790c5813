"""The chassis' HTTP edges on a small app: problem details for every error, untrusted input refused
before it reaches a route, the body limit, security headers, the OpenAPI documentation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

import httpx
import pytest
from alize_chassis.api import Strict
from alize_chassis.docs import serve_docs
from alize_chassis.errors import NotFound, Rejected
from alize_chassis.guard import protect
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from pydantic import Field

LIMIT = 1_048_576
MARKER = "Marker-7f3a"  # a value the caller sends that must never come back


class Part(Strict):
    quantity: int


class Thing(Strict):
    count: Annotated[int, Field(ge=0, le=100)]
    on: date | None = None
    amount: float = 0
    text: Annotated[str, Field(max_length=100_000)] = ""
    parts: list[Part] = Field(default_factory=list)


def make_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None)
    serve_docs(app)
    protect(app, max_body_bytes=LIMIT)

    @app.post("/things", status_code=201)
    async def create(body: Thing) -> dict[str, int]:
        if body.count == 13:
            raise Rejected("thirteen is refused here", location="body.count")
        return {"count": body.count}

    @app.get("/things")
    async def search(territory: str | None = None) -> list[str]:
        return [territory or ""]

    @app.get("/things/{thing_id}")
    async def get(thing_id: str) -> dict[str, str]:
        raise NotFound(f"no thing {thing_id}")

    @app.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<p>hello</p>"

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(f"failed on {MARKER}")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"] and body["detail"]
    assert MARKER not in response.text
    return body


async def post_raw(client: httpx.AsyncClient, content: bytes) -> httpx.Response:
    return await client.post("/things", content=content, headers={"content-type": "application/json"})


async def test_a_domain_error_is_a_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/things/abc"), 404)
    assert body["detail"] == "no thing abc" and "errors" not in body


async def test_a_domain_error_about_one_part_of_the_request_names_it_as_validation_does(
    client: httpx.AsyncClient,
) -> None:
    body = assert_problem(await client.post("/things", json={"count": 13}), 422)
    assert body["detail"] == "body.count: thirteen is refused here"
    assert body["errors"] == [{"location": "body.count", "message": "thirteen is refused here"}]


async def test_a_validation_error_names_each_field_in_detail_and_errors(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.post("/things", json={"count": 101, "extra": 1}), 422)
    assert body["errors"] == [
        {"location": "body.count", "message": "Input should be less than or equal to 100"},
        {"location": "body.extra", "message": "Extra inputs are not permitted"},
    ]
    assert "body.count: Input should be less than or equal to 100" in body["detail"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"count": 1, "amount": NaN, "text": "%s"}',
        b'{"count": 1, "amount": Infinity, "text": "%s"}',
        b'{"count": 1, "amount": -Infinity, "text": "%s"}',
        b'{"count": 1e400, "text": "%s"}',
        b'{"count": 1, "amount": 1e400, "parts": [{"quantity": 1e400}], "text": "%s"}',
        b'{"count": 1, "text": "\\ud800%s"}',
        b'{"count": 1, "text": "%s\\udfff"}',
        b'{"count": 1, "text": "%s\\u0000"}',
        b'{"count": "%s\\u0000"}',
        b'{"count": 1, "text": "%s", "\\ud800": 1}',
    ],
)
async def test_non_finite_numbers_surrogates_and_nul_are_refused_without_echo(
    client: httpx.AsyncClient, content: bytes
) -> None:
    assert_problem(await post_raw(client, content % MARKER.encode()), 422)


async def test_nothing_of_a_large_refused_value_comes_back(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"count": MARKER * 10_000})
    assert_problem(response, 422)
    assert len(response.content) < 1000


async def test_an_unknown_field_is_named_only_when_short_and_plain(client: httpx.AsyncClient) -> None:
    named = assert_problem(await client.post("/things", json={"count": 1, "colour": 1}), 422)
    assert named["errors"] == [{"location": "body.colour", "message": "Extra inputs are not permitted"}]
    for key in (MARKER * 20, f"{MARKER}\n", f"{MARKER}é"):
        unnamed = assert_problem(await client.post("/things", json={"count": 1, key: 1}), 422)
        assert unnamed["errors"] == [{"location": "body.…", "message": "Extra inputs are not permitted"}]


@pytest.mark.parametrize(
    "body",
    [{"count": False}, {"count": True}, {"count": 1, "amount": True}, {"count": 1, "parts": [{"quantity": False}]}],
)
async def test_a_boolean_is_not_a_number(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    problem = assert_problem(await client.post("/things", json=body), 422)
    assert "not a boolean" in problem["detail"]


@pytest.mark.parametrize("on", [0, 1700000000, 1.5, True])
async def test_a_number_is_not_a_date(client: httpx.AsyncClient, on: object) -> None:
    problem = assert_problem(await client.post("/things", json={"count": 1, "on": on}), 422)
    assert problem["errors"][0]["location"] == "body.on"


async def test_numbers_dates_and_text_that_fit_are_accepted(client: httpx.AsyncClient) -> None:
    body = {"count": 1, "amount": 2.5, "on": "2026-11-23", "text": "été", "parts": [{"quantity": 0}]}
    response = await client.post("/things", json=body)
    assert response.status_code == 201, response.text


async def test_invalid_json_is_a_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await post_raw(client, b'{"count": 1, "text": "' + MARKER.encode()), 422)
    assert body["errors"][0]["message"].startswith("Invalid JSON")


async def test_a_body_that_is_not_utf8_is_a_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await post_raw(client, b'{"count": 1, "text": "\xff' + MARKER.encode() + b'"}'), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/things?territory=%00",
        "/things?territory=a%00b",
        "/things?territory=%ED%A0%80",
        "/things?territory=%FF",
        "/things/%00",
        "/things/%ED%A0%80",
    ],
)
async def test_nul_and_invalid_utf8_in_the_path_or_query_are_refused(client: httpx.AsyncClient, url: str) -> None:
    assert_problem(await client.get(url), 422)


async def test_an_unknown_query_parameter_is_refused_and_named(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/things?territory=gard&teritory=gard"), 422)
    assert body["errors"] == [{"location": "query.teritory", "message": "Unknown query parameter"}]
    assert (await client.get("/things?territory=gard")).status_code == 200


async def test_a_nul_in_a_header_is_refused(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/things", headers={"x-anything": "a\x00b"}), 422)


async def test_plain_text_in_path_and_query_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get("/things?territory=gard-c%C3%A9vennes")
    assert response.status_code == 200 and response.json() == ["gard-cévennes"]


async def test_a_body_over_the_limit_is_refused_from_its_content_length(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"count": 1, "text": "x" * 2_000_000})
    assert (
        assert_problem(response, 413)["detail"]
        == f"The request body is larger than this service accepts ({LIMIT} bytes)."
    )


async def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(client: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"count": 1, "text": "'
        for _ in range(200):
            sent += 1
            yield b"x" * 10_000
        yield b'"}'

    response = await client.post("/things", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert (
        assert_problem(response, 413)["detail"]
        == f"The request body is larger than this service accepts ({LIMIT} bytes)."
    )
    assert sent < 200  # refused once over the limit, not after reading everything


async def test_a_body_at_the_limit_is_read(client: httpx.AsyncClient) -> None:
    padding = LIMIT - len(b'{"count": 1, "text": ""}')
    response = await client.post("/things", content=b'{"count": 1, "text": "' + b"x" * padding + b'"}')
    assert response.status_code == 422  # read, then refused for its length (max_length), not 413


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/nowhere"), 404)
    response = await client.delete("/things")
    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_an_unexpected_failure_is_a_bare_problem_and_logged_without_its_message(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = assert_problem(await client.get("/boom"), 500)
    assert body["detail"] == "The service failed to handle this request."
    assert "RuntimeError" in caplog.text and "/boom" in caplog.text
    assert MARKER not in caplog.text


@pytest.mark.parametrize("path", ["/page", "/things", "/nowhere", "/boom"])
async def test_security_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_api_documentation_is_served_by_the_service_itself(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline';" in csp and "https:" not in csp  # no script from elsewhere
    assert response.headers["x-frame-options"] == "DENY"
    loaded = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert loaded and all(url.startswith("/docs/assets/") for url in loaded), loaded
    for url in loaded:
        assert (await client.get(url)).status_code == 200, url


async def test_the_openapi_documents_problems(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
    statuses = {
        (method, path): {status: response.get("content") for status, response in operation["responses"].items()}
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }
    assert set(statuses["post", "/things"]) == {"201", "400", "403", "404", "409", "413", "422", "500"}
    assert set(statuses["get", "/things"]) == {"200", "422", "500"}
    assert set(statuses["get", "/things/{thing_id}"]) == {"200", "404", "422", "500"}
    for found in statuses.values():
        assert all(content == problem for status, content in found.items() if status >= "400")
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["ProblemDetails"]["required"] == ["title", "status", "detail"]
