"""The economics pages' forms. The DKFDS classes come from the site's one styling helper
(`_field.html`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forsyn.economics.consumption import MAX_FILE_BYTES

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _size_checked(upload: Any) -> Any:
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than 5 MB."))
    return upload


class CalculationForm(forms.Form):
    input_json = forms.CharField(
        label=_("Input (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Edit the example, or upload a JSON file instead."),
    )
    file = forms.FileField(label=_("or upload a JSON file"), required=False)

    def clean_file(self) -> Any:
        return _size_checked(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("input_json", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Give the input as text or as a file."))
        return data


class ConsumptionUploadForm(forms.Form):
    file = forms.FileField(label=_("Consumption file (CSV or XLSX)"))
    accept_flagged = forms.BooleanField(
        label=_("I have checked the flagged rows: import them as they are"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if upload is not None and not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class FromConsumptionForm(forms.Form):
    year = forms.IntegerField(label=_("Consumption year"), min_value=2000, max_value=2100)
    prices_on = forms.DateField(
        label=_("Contract prices on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cap = forms.DecimalField(
        label=_("Cap per region (DKK)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=12_000_000,
    )
    key = forms.ChoiceField(
        label=_("Gaining parties pay by"),
        choices=[
            ("savings", _("their gain")),
            ("citizens", _("citizens with a grant")),
            ("equal", _("equal shares")),
        ],
    )


class GainsForm(forms.Form):
    baseline_year = forms.IntegerField(
        label=_("Baseline year (consumption data)"), min_value=2000, max_value=2100
    )
    expected_discount = forms.DecimalField(
        label=_("Expected discount (fraction, e.g. 0.12)"),
        min_value=0,
        max_value=1,
        max_digits=6,
        decimal_places=4,
    )
