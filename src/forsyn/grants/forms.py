"""The grant pages' forms. They check shapes; the services check the rules and name the fields.
The DKFDS classes come from the site's one styling helper (`_field.html`)."""

from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from forsyn.catalogue.models import Category, Product, ProductArea
from forsyn.grants.choices import GrantStatus, LegalBasis


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class GrantForm(forms.Form):
    product_area = forms.ModelChoiceField(
        label=_("Product area"), queryset=ProductArea.objects.all(), to_field_name="code"
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(GrantStatus.DRAFT, _("Draft")), (GrantStatus.ACTIVE, _("Active"))],
    )
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=40)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a lifelong grant."),
    )
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("product_area", "legal_basis", "status"):
                del self.fields[name]


class GrantLineForm(forms.Form):
    line_id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(status="active").select_related("category"),
        to_field_name="gtin",
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("or category (free choice of variant)"),
        queryset=Category.objects.all(),
        to_field_name="code",
        required=False,
    )
    pieces_per_month = forms.IntegerField(
        label=_("Pieces per month"), min_value=1, max_value=10_000
    )
    hole_size_mm = forms.IntegerField(
        label=_("Hole size (mm)"), required=False, min_value=1, max_value=200
    )
    free_choice = forms.BooleanField(label=_("Free choice of supplier"), required=False)
    free_choice_product = forms.CharField(label=_("Chosen product"), required=False, max_length=200)
    free_choice_price_difference = forms.DecimalField(
        label=_("Citizen pays per piece (DKK)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=4,
    )


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Every line form offers the same products and categories: read once for the formset,
    not twice per line (issue #9 §7, tests/test_query_counts.py)."""

    @cached_property
    def _shared_choices(self) -> dict[str, list[Any]]:
        fields = self.form().fields
        # iter() first: list() of the choice iterator would also run a COUNT.
        return {name: list(iter(fields[name].choices)) for name in ("product", "category")}

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form: forms.Form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        for name, choices in self._shared_choices.items():
            form.fields[name].choices = choices  # type: ignore[attr-defined]
        return form


GrantLineFormSet = forms.formset_factory(
    GrantLineForm, formset=BaseLineFormSet, extra=2, can_delete=True, max_num=100
)


class GrantStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=GrantStatus.choices)
    status_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Required when suspending or ending a grant."),
    )
