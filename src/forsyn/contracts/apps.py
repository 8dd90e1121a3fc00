from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "forsyn.contracts"
    label = "contracts"
