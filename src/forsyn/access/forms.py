"""The purpose form: service-centre staff state why they look at a citizen (access log)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Why do you need this citizen's data? It is written in the access log."),
    )
