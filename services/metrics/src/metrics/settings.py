from alize_chassis.settings import ServiceSettings
from pydantic import Field


class MetricsSettings(ServiceSettings):
    service_name: str = "metrics"
    db_schema: str = "metrics"
    pdf_per_minute: float = Field(default=6, gt=0, description="PDF reports a caller may ask for per minute.")
    pdf_burst: int = Field(default=3, ge=1, description="PDF reports a caller may ask for at once.")
