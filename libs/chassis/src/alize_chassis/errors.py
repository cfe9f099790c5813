"""Domain refusals and how HTTP reports them."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    """A command the domain refuses; the message is shown to the caller."""

    status_code = 409


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


def install_error_handlers(app: FastAPI) -> None:
    async def on_domain_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})

    app.add_exception_handler(DomainError, on_domain_error)
