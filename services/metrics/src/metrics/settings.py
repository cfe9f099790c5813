from alize_chassis.settings import ServiceSettings
from pydantic import Field


class MetricsSettings(ServiceSettings):
    service_name: str = "metrics"
    db_schema: str = "metrics"
    pdf_per_minute: float = Field(default=6, gt=0, description="PDF reports a caller may ask for per minute.")
    pdf_burst: int = Field(default=3, ge=1, description="PDF reports a caller may ask for at once.")
    public_territories: str = Field(
        default="",
        description="Territories that chose to publish their aggregate figures (comma-separated slugs): their "
        "figures, dashboard page and annual report are served to anyone; never their lineage.",
    )

    @property
    def published(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.public_territories.split(",") if t.strip())
