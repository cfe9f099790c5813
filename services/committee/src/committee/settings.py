from alize_chassis.settings import ServiceSettings


class CommitteeSettings(ServiceSettings):
    service_name: str = "committee"
    db_schema: str = "committee"
