from alize_chassis.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    db_schema: str = "intake"
