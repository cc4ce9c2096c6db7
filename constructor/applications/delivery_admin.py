"""Officials' view of deliveries to agencies: what is stuck, every attempt, and "Retry".

Scoped like the applications section (constructor/applications/admin_views.py): an official
sees the deliveries of their regions' applications only (invariant 6), federal admins every
region. Failed deliveries come first, counted at the top (the officials are also e-mailed,
failures.py); each attempt shows an excerpt of what the agency sent back. Registered from
``ApplicationsConfig.ready()``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from constructor.applications.admin_views import can_see_applications, paginated
from constructor.integrations.delivery.attempts import retry_failed
from constructor.integrations.models import Delivery, DeliveryStatus
from sites.permissions import regions_for_user


def deliveries_for(user):
    return (
        Delivery.objects.filter(application__region__in=regions_for_user(user))
        .select_related("application__page", "application__region", "integration__agency")
        .annotate(
            status_order=Case(
                When(status=DeliveryStatus.FAILED, then=Value(0)),
                When(status=DeliveryStatus.PENDING, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_order", "-created_at", "-pk")
    )


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Any status")), *DeliveryStatus.choices],
        required=False,
        label=gettext_lazy("Delivery status"),
    )

    def apply(self, queryset):
        if self.is_valid() and self.cleaned_data["status"]:
            queryset = queryset.filter(status=self.cleaned_data["status"])
        return queryset


def visible_delivery(request, pk):
    if not can_see_applications(request.user):
        raise PermissionDenied
    delivery = deliveries_for(request.user).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery


def index(request):
    if not can_see_applications(request.user):
        raise PermissionDenied
    form = DeliveryFilterForm(request.GET or None)
    visible = deliveries_for(request.user)
    return render(
        request,
        "integrations/deliveries_index.html",
        {
            "filter_form": form,
            "failed_count": visible.filter(status=DeliveryStatus.FAILED).count(),
            **paginated(request, form.apply(visible)),
        },
    )


def detail(request, pk):
    delivery = visible_delivery(request, pk)
    return render(
        request,
        "integrations/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempt_log.order_by("-started_at", "-pk"),
            "can_retry": delivery.status == DeliveryStatus.FAILED,
        },
    )


@require_POST
def retry(request, pk):
    delivery = visible_delivery(request, pk)
    if retry_failed(delivery):
        messages.success(
            request,
            _("Application %(number)s is queued for delivery again.")
            % {"number": delivery.application.number},
        )
    else:
        messages.warning(request, _("Only a failed delivery can be retried."))
    return redirect("deliveries_admin_detail", pk=delivery.pk)


@hooks.register("register_admin_urls")
def register_delivery_urls():
    return [
        path("deliveries/", index, name="deliveries_admin_index"),
        path("deliveries/<int:pk>/", detail, name="deliveries_admin_detail"),
        path("deliveries/<int:pk>/retry/", retry, name="deliveries_admin_retry"),
    ]


class DeliveriesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_applications(request.user)


@hooks.register("register_admin_menu_item")
def register_deliveries_menu_item():
    return DeliveriesMenuItem(
        gettext_lazy("Deliveries to agencies"),
        reverse("deliveries_admin_index"),
        icon_name="mail",
        order=251,
    )
