"""Domain refusals and how HTTP reports every error: RFC 9457 problem details
(`application/problem+json`), never echoing what the caller sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A command the domain refuses; the message is shown to the caller. `location` names the
    refused part of the request when there is one (`body.decisions.3`), as a validation error does."""

    status_code = 409

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.location = location


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    """The acting party may not do this (e.g. a partner confirming its own day)."""

    status_code = 403


class Rejected(DomainError):
    """Well-formed but breaks a business rule (e.g. a day over the budget)."""

    status_code = 422


class FieldProblem(BaseModel):
    location: str = Field(description="Where the input is wrong, e.g. `body.firm_id` or `query.year`.")
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; `errors` lists each refused field of a request that failed validation."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="The HTTP status' phrase.")
    status: int
    detail: str = Field(description="What is wrong, for a person.")
    errors: list[FieldProblem] | None = None


# Titles as RFC 9110 names the statuses (Python's HTTPStatus still uses the older names of these two).
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def problem(status: int, detail: str, errors: Sequence[FieldProblem] | None = None) -> JSONResponse:
    title = _TITLES.get(status) or HTTPStatus(status).phrase
    body = ProblemDetails(title=title, status=status, detail=_text(detail), errors=list(errors) if errors else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON)


def _location(loc: Sequence[int | str]) -> str:
    """`("body", "partners", 0, "days")` → `body.partners.0.days`. A segment the caller chose (an unknown
    field's name, a dictionary key) is shown only when short and plain text."""
    shown = [str(part) if _printable(part) else "…" for part in loc]
    return ".".join(shown)


def _printable(part: int | str) -> bool:
    if isinstance(part, int):
        return True
    return len(part) <= 64 and part.isprintable() and part.isascii()


def field_problems(errors: Sequence[Mapping[str, Any]]) -> list[FieldProblem]:
    """Pydantic's errors without the input nor the context values (which may quote the input)."""
    return [FieldProblem(location=_location(e["loc"]), message=_text(_message(e))) for e in errors]


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] == "json_invalid":
        # json's message names what it expected and the position, never the text it read.
        return f"Invalid JSON: {error.get('ctx', {}).get('error', 'cannot be parsed')}"
    message: str = error["msg"]
    return message


def _text(message: str) -> str:
    # A parser may quote the one character it stumbled on (a control character, a lone surrogate that
    # cannot even be encoded): only printable characters go back.
    return "".join(c if c.isprintable() else "\ufffd" for c in message)


async def _on_domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    if exc.location is None:
        return problem(exc.status_code, str(exc))
    refused = FieldProblem(location=exc.location, message=str(exc))
    return problem(exc.status_code, f"{refused.location}: {refused.message}", [refused])


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = field_problems(exc.errors())
    detail = "; ".join(f"{p.location}: {p.message}" for p in problems) or "The request is not valid."
    return problem(422, detail, problems)


_HTTP_DETAILS = {
    400: "The request body cannot be read.",
    404: "There is nothing at this address.",
    405: "This address does not accept this method.",
}


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own (unknown route, wrong method, body too large) and any a route raises.
    assert isinstance(exc, HTTPException)
    detail = _HTTP_DETAILS.get(exc.status_code, str(exc.detail))
    response = problem(exc.status_code, detail)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the methods of the first route on this path; list those of all of them.
        response.headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    return response


def _allowed_methods(request: Request) -> set[str]:
    allowed: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "OPTIONS"})
        if match != Match.NONE:
            allowed |= getattr(route, "methods", None) or set()
    return allowed


def install_error_handlers(app: FastAPI) -> None:
    """Domain refusals, invalid requests and Starlette's own errors as problems. An unexpected exception
    is caught by `alize_chassis.guard` (a 500 problem), before it reaches the server's log with its message."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_exception)


# --- OpenAPI ---------------------------------------------------------------------------------------
# Which problems a route can answer, from what it takes: a route cannot say which domain errors its
# handler raises, so every command documents all of them.
_ANY = {422: "Invalid input (a NUL character, invalid UTF-8 or a value out of its type or bounds)."}
_WITH_PATH = {404: "Nothing with this identifier."}
_WITH_BODY = {
    400: "The body cannot be read as JSON text.",
    413: "The body is larger than the service accepts.",
}
_COMMAND = {
    403: "The acting party may not do this.",
    404: "Something the command refers to does not exist.",
    409: "The command conflicts with the current state.",
    422: "Invalid input, or refused by a business rule; `detail` says which.",
}
_UNEXPECTED = {500: "An unexpected failure (a fault to fix): no detail is given."}


def document_problems(app: FastAPI) -> None:
    """Document the problem responses of every route of `app` in its OpenAPI, once it is complete."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_problems(build())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problems(spec: dict[str, Any]) -> None:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, replaced below
        schemas.pop(name, None)
    problem_schema = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs"))
    schemas["ProblemDetails"] = problem_schema
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = dict(_ANY)
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                statuses |= _WITH_PATH
            if "requestBody" in operation:
                statuses |= _WITH_BODY
            if method in ("post", "put", "patch", "delete"):
                statuses |= _COMMAND
            statuses |= _UNEXPECTED
            responses = operation.setdefault("responses", {})
            for status, description in sorted(statuses.items()):
                responses[str(status)] = {"description": description, "content": content}
