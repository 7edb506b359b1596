"""Render Django form fields with NHS.UK frontend classes.

``_form_field.html`` lays out the form group, label, hint and error message; the
``nhsuk_widget`` filter renders the input itself. Django (5.0+) already sets
``aria-describedby`` to ``<id>_helptext`` and ``<id>_error`` and ``aria-invalid`` on fields
with errors, so the template uses those ids for the hint and the error message.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

# Widgets laid out differently (fieldset + items); ``_form_field.html`` does not cover them.
_CHOICE_ITEM_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def nhsuk_class(widget: forms.Widget) -> str:
    """The NHS.UK frontend base class for a widget: input, select or textarea."""
    if isinstance(widget, forms.Select):
        return "nhsuk-select"
    if isinstance(widget, forms.Textarea):
        return "nhsuk-textarea"
    return "nhsuk-input"


@register.filter
def nhsuk_widget(field: BoundField, extra_classes: str = "") -> SafeString:
    """Render a bound field's widget with NHS classes, e.g. ``{{ form.q|nhsuk_widget }}``.

    ``extra_classes`` adds modifiers such as ``nhsuk-input--width-20``. Classes set on the
    widget in the form are kept.
    """
    widget = field.field.widget
    if widget.is_hidden or isinstance(widget, _CHOICE_ITEM_WIDGETS):
        return field.as_widget()
    base = nhsuk_class(widget)
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    classes.extend(str(extra_classes).split())
    classes.extend(str(widget.attrs.get("class", "")).split())
    return field.as_widget(attrs={"class": " ".join(dict.fromkeys(classes))})
