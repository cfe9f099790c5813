"""The API documentation pages (`/docs`: Swagger UI, `/redoc`: ReDoc) with their scripts and styles served by
the service itself (`/docs/assets/`, the copies the `fastapi-offline` package ships, pinned by the lock)
instead of FastAPI's default CDN: the pages work where the CDN is unreachable, and the page that holds a
signed-in caller's token runs no script from another origin (the guard's docs policy allows none)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
_FILES = Path(str(files("fastapi_offline") / "static"))


def serve_docs(app: FastAPI) -> None:
    """Add `/docs`, its sign-in redirect and `/redoc` to an app made with `docs_url=None, redoc_url=None`;
    Swagger UI signs in as the app's `swagger_ui_init_oauth` says."""
    if app.docs_url is not None or app.redoc_url is not None:
        raise ValueError("make the app with docs_url=None and redoc_url=None: serve_docs adds its own")
    openapi_url, redirect_url = app.openapi_url, app.swagger_ui_oauth2_redirect_url
    assert openapi_url is not None and redirect_url is not None
    app.mount(ASSETS, StaticFiles(directory=_FILES), name="docs-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            oauth2_redirect_url=f"{root}{redirect_url}",
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route(redirect_url, swagger_ui_redirect, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)
