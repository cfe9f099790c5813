"""What every HTTP exchange goes through, whatever the route: untrusted input refused before any
route reads it, the body size bounded, unexpected failures answered as a problem, security headers
on every response."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alize_chassis.errors import document_problems, install_error_handlers, problem

log = logging.getLogger(__name__)

# The dashboard and the reports are server-rendered HTML with inline <style> and inline SVG charts, no
# script and nothing fetched from elsewhere; JSON needs nothing at all.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# The Swagger UI and ReDoc pages load their scripts and styles from the service itself (alize_chassis.docs)
# and start with an inline script; they show no input, so they get what they need to keep working.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def docs_policy(issuer: str | None) -> str:
    """The docs' policy, letting Swagger UI's sign-in fetch its token from the issuer (PKCE code exchange)."""
    if not issuer:
        return DOCS_CONTENT_SECURITY_POLICY
    parts = urlsplit(issuer)
    return DOCS_CONTENT_SECURITY_POLICY.replace(
        "connect-src 'self'", f"connect-src 'self' {parts.scheme}://{parts.netloc}"
    )


def protect(app: FastAPI, *, max_body_bytes: int, issuer: str | None = None) -> None:
    """Everything the chassis puts between the network and a service's routes (call it before adding them)."""
    install_error_handlers(app)
    document_problems(app)
    app.add_middleware(Guard, max_body_bytes=max_body_bytes, docs_csp=docs_policy(issuer))
    app.router.dependencies.append(Depends(refuse_unknown_query_parameters))


def refuse_unknown_query_parameters(request: Request) -> None:
    """A query parameter the route does not declare is a 422 naming it, as an unknown body field is:
    `?teritory=gard` must not silently answer for every territory."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    known = {parameter.alias for parameter in _query_parameters(dependant)}
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise RequestValidationError(
            [{"type": "extra_forbidden", "loc": ("query", name), "msg": "Unknown query parameter"} for name in unknown]
        )


def _query_parameters(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_parameters(sub)


class Guard:
    """Pure ASGI middleware, outermost of the app's own ones."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, docs_csp: str = DOCS_CONTENT_SECURITY_POLICY) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.docs_csp = docs_csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                csp = self.docs_csp if scope["path"] in DOCS_PATHS else CONTENT_SECURITY_POLICY
                message["headers"] = _with_security_headers(message.get("headers", []), csp)
            await send(message)

        refusal = _refusal(scope, self.max_body_bytes)
        if refusal is not None:
            status, detail = refusal
            await problem(status, detail)(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, self._limited(receive), send_with_headers)
        except Exception as exc:
            if started:
                raise
            # Type and frames only: an exception's message may quote the input (a database error, a
            # pydantic error), and neither the log nor the caller gets that.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            route = getattr(scope.get("route"), "path", "?")
            log.error("unexpected %s in %s %s\n%s", type(exc).__name__, scope["method"], route, frames)
            await problem(500, "The service failed to handle this request.")(scope, receive, send_with_headers)

    def _limited(self, receive: Receive) -> Receive:
        """Count the body's bytes as they arrive (a chunked body has no Content-Length): past the limit,
        reading it raises the 413 that the error handlers turn into a problem."""
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, _too_large(self.max_body_bytes))
            return message

        return limited


def _refusal(scope: Scope, max_body_bytes: int) -> tuple[int, str] | None:
    """Why the request is refused before the app sees it, if it is."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    for part, raw in (("path", raw_path), ("query string", scope.get("query_string", b""))):
        problem_in_part = _text_problem(unquote_to_bytes(raw.replace(b"+", b" ")))
        if problem_in_part:
            return 422, f"The {part} {problem_in_part}."
    for name, value in scope["headers"]:
        if b"\x00" in value:
            return 422, f"The header {_header_name(name)} contains a NUL character."
        if name == b"content-length" and value.isdigit() and int(value) > max_body_bytes:
            return 413, _too_large(max_body_bytes)
    return None


def _too_large(max_body_bytes: int) -> str:
    return f"The request body is larger than this service accepts ({max_body_bytes} bytes)."


def _text_problem(data: bytes) -> str | None:
    try:
        # Strict UTF-8: an encoded surrogate (%ED%A0%80) or any invalid sequence is refused.
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8 once percent-decoded"
    if "\x00" in text:
        return "contains a NUL character"
    return None


def _header_name(name: bytes) -> str:
    shown = name.decode("latin-1")
    return shown if len(shown) <= 64 and shown.isprintable() else "…"


def _with_security_headers(headers: list[tuple[bytes, bytes]], csp: str) -> list[tuple[bytes, bytes]]:
    wanted = {
        b"content-security-policy": csp.encode(),
        b"x-content-type-options": b"nosniff",
        b"x-frame-options": b"DENY",
        b"referrer-policy": b"no-referrer",
    }
    present = {name.lower() for name, _ in headers}
    return [*headers, *((name, value) for name, value in wanted.items() if name not in present)]
