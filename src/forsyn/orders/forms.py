from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forsyn.orders.choices import DeliveryType

PARCEL_LOCKERS = [
    ("", _("Choose a parcel locker")),
    ("Pakkeboks Føtex Frederiks Allé, 8000 Aarhus C", "Føtex Frederiks Allé, 8000 Aarhus C"),
    ("Pakkeboks Netto Vestergade, 5000 Odense C", "Netto Vestergade, 5000 Odense C"),
    ("Pakkeboks Bilka Hjallese, 5260 Odense S", "Bilka Hjallese, 5260 Odense S"),
    ("Pakkeboks Rema 1000 Randersvej, 8200 Aarhus N", "Rema 1000 Randersvej, 8200 Aarhus N"),
]


class DeliveryForm(forms.Form):
    delivery_type = forms.ChoiceField(
        label=_("Delivery"),
        choices=DeliveryType.choices,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        initial=DeliveryType.REGISTERED_ADDRESS,
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    street = forms.CharField(label=_("Street and number"), required=False, max_length=200)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=4)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    parcel_locker = forms.ChoiceField(
        label=_("Parcel locker"), choices=PARCEL_LOCKERS, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Not optional: required when their kind of delivery is chosen (checked by
        # orders.placement.check_delivery); the label says when (`_field.html`), never "optional".
        for name in ("name", "street", "postcode", "city"):
            self.fields[name].required_when = _("required for another address")  # type: ignore[attr-defined]
        self.fields["parcel_locker"].required_when = _("required for a parcel locker")  # type: ignore[attr-defined]
        self.fields["postcode"].widget.attrs.update(inputmode="numeric", autocomplete="postal-code")
        self.fields["street"].widget.attrs.update(autocomplete="street-address")
        self.fields["city"].widget.attrs.update(autocomplete="address-level2")
        self.fields["name"].widget.attrs.update(autocomplete="name")


class DecisionForm(forms.Form):
    # Posted by the two buttons; anything else is refused, never read as a rejection.
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("Approve")), ("reject", _("Reject"))),
    )
    message = forms.CharField(
        label=_("Message to the citizen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )


WARD_ROWS = 6


class WardLineForm(forms.Form):
    """One row of a ward stock order: a product and a number of packs (blank rows are skipped)."""

    product = forms.ChoiceField(label=_("Product"), required=False)
    order_units = forms.IntegerField(label=_("Packs"), required=False, min_value=1, max_value=999)

    def __init__(self, *args: Any, product_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"] = forms.ChoiceField(
            label=_("Product"),
            required=False,
            choices=[("", _("Choose a product")), *product_choices],
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["order_units"].widget.attrs.update(
            {"class": "form-input input-width-xs", "inputmode": "numeric"}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("product") and not data.get("order_units"):
            self.add_error("order_units", _("State how many packs."))
        if data.get("order_units") and not data.get("product"):
            self.add_error("product", _("Choose the product."))
        return data
