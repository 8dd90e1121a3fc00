from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "forsyn.audit"
    label = "audit"
