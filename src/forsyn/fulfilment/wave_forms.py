"""Forms of the warehouse operator's pages (issue #10 §7). Inputs are typed by handheld
scanners: a GS1 string and Enter, so the scan field comes first and submits the form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forsyn.fulfilment.choices import ReturnDisposition
from forsyn.fulfilment.picking import MAX_PICK_QUANTITY
from forsyn.fulfilment.services import MAX_LINE_QUANTITY


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-input"
            field.widget.attrs.setdefault("class", css)


class ScanField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Scan"),
            max_length=300,
            help_text=_("Scan the product's barcode (GS1), or type it and press Enter."),
            strip=False,
            **kwargs,
        )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "class": "form-input scan-input",
            }
        )
        return attrs


class WaveStartForm(_Form):
    warehouse = forms.ChoiceField(label=_("Warehouse"))
    cutoff = forms.DateTimeField(
        label=_("Cut-off"),
        required=False,
        help_text=_("Orders placed before it. Empty: 14:00 on today's working day."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = warehouses


class ReceiveForm(_Form):
    scan = ScanField()
    quantity = forms.IntegerField(
        label=_("Pieces"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1
    )
    warehouse = forms.ChoiceField(label=_("Warehouse"))

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = warehouses


class PickForm(_Form):
    scan = ScanField()
    quantity = forms.IntegerField(
        label=_("Pieces found"),
        min_value=0,
        max_value=MAX_PICK_QUANTITY,
        help_text=_("Fewer than asked is a short pick: the rest is back-ordered."),
    )
    pick_line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CutForm(_Form):
    pieces = forms.IntegerField(label=_("Pieces cut"), min_value=1, max_value=MAX_PICK_QUANTITY)


class ReturnForm(_Form):
    disposition = forms.ChoiceField(
        label=_("The returned goods go"), choices=ReturnDisposition.choices
    )
