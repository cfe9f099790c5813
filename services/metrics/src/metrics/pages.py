"""HTML pages: one Jinja2 environment for every template, with autoescaping on, so
any value a page shows is escaped unless it is `Markup` made by trusted code (the
SVG charts, whose own text pygal escapes)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)
