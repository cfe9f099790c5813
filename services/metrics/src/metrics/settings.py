from alize_chassis.settings import ServiceSettings


class MetricsSettings(ServiceSettings):
    service_name: str = "metrics"
    db_schema: str = "metrics"
