from alize_chassis.settings import ServiceSettings


class MissionsSettings(ServiceSettings):
    service_name: str = "missions"
    db_schema: str = "missions"
