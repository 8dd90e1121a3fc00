from django import template

from forsyn.audit.labels import resource_label

register = template.Library()
register.filter("resource_label", resource_label)
