from django.apps import AppConfig


class SamlConfig(AppConfig):
    name = "forsyn.saml"
    label = "saml"
