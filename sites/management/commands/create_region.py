from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.regions import create_region


class Command(BaseCommand):
    help = (
        "Create a region: its site <slug>.<suffix>, home page, image and document collection, "
        "editor and moderator groups with permissions limited to it. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="host name label, e.g. kaluga")
        parser.add_argument("name", help="official name, e.g. «Калужская область»")
        parser.add_argument("code", help="two-digit subject code, e.g. 40")
        parser.add_argument("--port", type=int, default=None)

    def handle(self, slug, name, code, port, **options):
        try:
            result = create_region(name, slug, code, port=port)
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()
            )
            raise CommandError(messages) from None
        site = result.region.site
        verb = "Created" if result.created else "Already present, checked"
        self.stdout.write(f"{verb}: {result.region.name} at {site.root_url}/")
