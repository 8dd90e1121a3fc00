from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "forsyn.catalogue"
    label = "catalogue"
