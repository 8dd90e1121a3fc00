"""The one form-styling helper: `{{ field|form_control }}` renders a bound field with the DKFDS
class its widget needs (`form-input`, `form-select`, `form-checkbox`). `_field.html` uses it, so
the apps' forms carry no styling of their own; a class a form sets on purpose (a narrow number
field: `form-input input-width-xs`) is kept."""

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

UNSTYLED = (forms.HiddenInput, forms.FileInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def control_class(widget: forms.Widget) -> str:
    """The DKFDS class of a widget ("" for hidden inputs, file inputs, and radio/checkbox groups,
    whose options are styled one by one)."""
    if isinstance(widget, UNSTYLED):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-checkbox"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-input"


@register.filter
def form_control(field: forms.BoundField) -> SafeString:
    css = control_class(field.field.widget)
    if not css or "class" in field.field.widget.attrs:
        return field.as_widget()
    return field.as_widget(attrs={"class": css})
