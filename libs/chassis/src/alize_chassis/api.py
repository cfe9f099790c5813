"""Shared shapes of the services' HTTP APIs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema


def _tightened(schema: Any) -> Any:
    """A copy of a pydantic core schema where every int and float refuses booleans and every str refuses
    NUL. Nested models are their own schemas (`definition-ref`), tightened when built."""
    if isinstance(schema, list):
        return [_tightened(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: value if key in ("metadata", "serialization") else _tightened(value) for key, value in schema.items()}
    kind = schema.get("type")
    if kind in ("int", "float"):
        return core_schema.no_info_before_validator_function(_not_a_boolean, copy)
    if kind == "str":
        return core_schema.no_info_after_validator_function(_no_nul, copy)
    return copy


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "Text must not contain a NUL character")
    return value


class Strict(BaseModel):
    """A request body, refused (422) unless it is exactly what it declares:

    - an unknown field is named, never silently dropped;
    - no NaN or ±Infinity (JSON's 1e400 reads as infinity) in any number;
    - a boolean is not a number (pydantic would read `false` as 0);
    - no NUL character in any text (PostgreSQL cannot store it; pydantic itself refuses an unpaired
      surrogate, which UTF-8 cannot encode).

    Every request body of every service inherits from it, nested models included.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        tightened: core_schema.CoreSchema = _tightened(handler(source))
        return tightened
