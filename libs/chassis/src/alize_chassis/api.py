"""Shared shapes of the services' HTTP APIs."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A request body: an unknown field is a 422 naming it, never silently dropped."""

    model_config = ConfigDict(extra="forbid")
