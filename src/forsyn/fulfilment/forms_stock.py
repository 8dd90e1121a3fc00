"""Forms of the warehouse pages (receive, notices, stock, counts, recalls, replenishment) and of
the staff page of a citizen's delivery pauses. They check shapes; the services check the rules
and name the fields. A scanner types its GS1 string into a scan field and presses Enter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forsyn.fulfilment.choices import PauseReason
from forsyn.fulfilment.services import MAX_LINE_QUANTITY

SCAN_ATTRS = {
    "autofocus": True,
    "autocomplete": "off",
    "autocapitalize": "off",
    "spellcheck": "false",
    "class": "form-input input-width-xl scan-input",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput | forms.FileInput):
            widget.attrs.setdefault("class", "form-input")


def _warehouse_field(choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Warehouse"), choices=choices)


class ReceiveForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Pieces"),
        min_value=1,
        max_value=MAX_LINE_QUANTITY,
        initial=1,
        help_text=_("Type the number of pieces first if it is more than one."),
    )
    scan = forms.CharField(
        label=_("Scan the GS1 barcode"),
        max_length=300,
        strip=False,
        help_text=_("The scanner types the code and presses Enter."),
        widget=forms.TextInput(attrs=SCAN_ATTRS),
    )

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"warehouse": _warehouse_field(warehouses), **self.fields}
        _style(self)
        self.fields["quantity"].widget.attrs.update({"class": "form-input input-width-xs"})


class NoticeImportForm(forms.Form):
    reference = forms.CharField(label=_("The supplier's reference"), max_length=60)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: gtin, batch, udløbsdato and antal (pieces). CSV in UTF-8 with ; or , "
            "between the columns."
        ),
    )

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"warehouse": _warehouse_field(warehouses), **self.fields}
        _style(self)
        self.fields["file"].widget.attrs.update({"accept": ".csv,.xlsx", "class": "form-input"})


EXPIRY_CHOICES = [
    ("", _("All lots")),
    ("expired", _("Expired")),
    ("30", _("Expires within 30 days")),
    ("90", _("Expires within 90 days")),
    ("180", _("Expires within 180 days")),
]


class StockFilterForm(forms.Form):
    gtin = forms.RegexField(label=_("GTIN"), regex=r"^[0-9]{8,14}$", required=False, max_length=14)
    expiry = forms.ChoiceField(label=_("Expiry"), choices=EXPIRY_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CountStartForm(forms.Form):
    location = forms.CharField(
        label=_("Bin"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to count the whole warehouse."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"warehouse": _warehouse_field(warehouses), **self.fields}
        _style(self)


class CountRecordForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Pieces counted"), min_value=0, max_value=100_000, initial=1
    )
    scan = forms.CharField(
        label=_("Scan the GS1 barcode"),
        max_length=300,
        strip=False,
        widget=forms.TextInput(attrs=SCAN_ATTRS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["quantity"].widget.attrs.update({"class": "form-input input-width-xs"})


class RecallForm(forms.Form):
    gtin = forms.RegexField(
        label=_("GTIN"),
        regex=r"^[0-9]{8,14}$",
        max_length=14,
        error_messages={"invalid": _("A GTIN has 8 to 14 digits.")},
    )
    lots = forms.CharField(
        label=_("Lot numbers"),
        max_length=1000,
        help_text=_("One or more, separated by commas, spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def lot_numbers(self) -> list[str]:
        text = self.cleaned_data.get("lots", "")
        return [part for part in text.replace(",", " ").split() if part]


class PauseForm(forms.Form):
    starts_on = forms.DateField(label=_("First day of the pause"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Deliveries resume on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to pause until further notice."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=PauseReason.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("No health information: the reason above is enough."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
