"""The citizen search form. The DKFDS classes come from the site's one styling helper."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CitizenSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=100)
    cpr = forms.CharField(label=_("CPR number"), required=False, max_length=11)
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=200)

    def __init__(self, *args: Any, purpose_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Service-centre staff see every citizen, so each search states why (access log).
        self.fields["purpose"].required = purpose_required
        if purpose_required:
            self.fields["purpose"].help_text = _(
                'Why you need the citizen\'s data, e.g. "Borger ringer om levering". It is '
                "written in the access log."
            )
