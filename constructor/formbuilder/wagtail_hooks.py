"""Admin assets of the form editor."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def technical_keys_css():
    # Hides the key inputs of the application form until «Show technical keys» is ticked.
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-technical-keys.css"))
