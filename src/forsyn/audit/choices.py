from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CHANGE = "change", _("Changed")
    CREATE = "create", _("Created")
    EXPORT = "export", _("Exported")
    SEARCH = "search", _("Found in a search")


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    CLI = "cli", _("Command line")
    TASK = "task", _("Background task")
    MESSAGE = "message", _("Message")
