from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "forsyn.organisations"
    label = "organisations"
