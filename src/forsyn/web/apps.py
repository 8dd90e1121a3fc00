from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "forsyn.web"
    label = "web"
