"""Shared shapes of the services' HTTP APIs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema


def _tightened(schema: Any) -> Any:
    """A copy of a pydantic core schema where every int and float refuses booleans, every str refuses NUL
    and every date or time refuses numbers. Nested models are their own schemas (`definition-ref`),
    tightened when built."""
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
    if kind in ("date", "datetime", "time", "timedelta"):
        return core_schema.no_info_before_validator_function(_written_out, copy)
    return copy


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    return value


def _written_out(value: Any) -> Any:
    if isinstance(value, int | float):  # pydantic would read 0 as 1970-01-01, a Unix time
        raise PydanticCustomError("date_type", "A date or time is written as ISO 8601 text, not as a number")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "Text must not contain a NUL character")
    return value


class Strict(BaseModel):
    """A request body, refused (422) unless it is exactly what it declares:

    - an unknown field is named, never silently dropped;
    - no NaN or ±Infinity (JSON's 1e400 reads as infinity) in any number;
    - a boolean is not a number (pydantic would read `false` as 0), a number is not a date (nor 1970-01-01);
    - no NUL character in any text (PostgreSQL cannot store it; pydantic itself refuses an unpaired
      surrogate, which UTF-8 cannot encode).

    Every request body of every service inherits from it, nested models included.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        tightened: core_schema.CoreSchema = _tightened(handler(source))
        return tightened
