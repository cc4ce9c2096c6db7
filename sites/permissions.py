"""Which regions a member of staff may act in.

Invariant 6: an official acts only inside their region.
"""

from django.db.models import Q

from sites.models import Region


def regions_for_user(user):
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(
        Q(editors__in=user.groups.all()) | Q(moderators__in=user.groups.all())
    ).distinct()
