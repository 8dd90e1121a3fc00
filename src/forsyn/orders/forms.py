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
        for name, field in self.fields.items():
            if name == "delivery_type":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-input"
            field.widget.attrs.setdefault("class", css)
        self.fields["postcode"].widget.attrs.update(inputmode="numeric", autocomplete="postal-code")
        self.fields["street"].widget.attrs.update(autocomplete="street-address")
        self.fields["city"].widget.attrs.update(autocomplete="address-level2")
        self.fields["name"].widget.attrs.update(autocomplete="name")


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the citizen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )
