from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from constructor.services.models import ServicePage
from fixtures.demo.regions import (
    ADMIN,
    ADMIN_PASSWORD,
    REVIEWER,
    REVIEWER_PASSWORD,
    STAFF_PASSWORD,
)
from sites.models import Region
from sites.permissions import FEDERAL_REVIEWERS_GROUP

RIGHTS = (
    "  Editors write and edit their region's services, images, documents, curators and submit\n"
    "  services for review; moderators can also delete and lock pages and change branding.\n"
    "  A service goes live after the quality check and a federal reviewer's approval."
)


class Command(BaseCommand):
    help = "Print the demo's URLs and logins, read from the database."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PUBLIC_PORT)

    def handle(self, port, **options):
        out = self.stdout.write
        portal = f"localhost:{port}"
        out(f"Federal portal:  http://127.0.0.1:{port}/  http://{portal}/")
        out(f"Admin:           http://{portal}/admin/")
        regions = list(Region.objects.select_related("site", "site__root_page"))
        out("Regions:" if regions else "No regions yet: run `manage.py load_demo`.")
        for region in regions:
            count = ServicePage.objects.live().child_of(region.site.root_page).count()
            out(f"  {region.name:<24} http://{region.site.hostname}:{port}/  ({count} services)")

        users = {user.username: user for user in get_user_model().objects.all()}
        logins = []
        admin = users.get(ADMIN["username"])
        if admin is not None and admin.is_superuser:
            logins.append((admin.username, ADMIN_PASSWORD, "federal admin, every region"))
        reviewer = users.get(REVIEWER["username"])
        if reviewer is not None and reviewer.groups.filter(name=FEDERAL_REVIEWERS_GROUP).exists():
            logins.append((reviewer.username, REVIEWER_PASSWORD, "federal reviewer, every region"))
        for region in regions:
            for role, group in (("editor", region.editors), ("moderator", region.moderators)):
                user = users.get(f"{role}-{region.slug}")
                if user is not None and user.groups.filter(pk=group.pk).exists():
                    logins.append((user.username, STAFF_PASSWORD, f"{role}, {region.name}"))
        if logins:
            out("Demo logins (demo only: never reuse these passwords):")
            width = max(len(f"{name} / {password}") for name, password, _ in logins)
            for name, password, rights in logins:
                out(f"  {f'{name} / {password}':<{width}}  {rights}")
            out(RIGHTS)
