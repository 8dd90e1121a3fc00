from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "forsyn.site"
    label = "site"
    verbose_name = "site shell"
