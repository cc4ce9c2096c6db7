"""Content for benchmarks/landing.py: a region, curators with photos, documents, and pages."""

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from blocks.landing import LandingStreamBlock
from constructor.services.models import Curator, ServiceCategory, ServicePage
from sites.models import InformationPage, RegionBranding
from sites.regions import create_region


def _photo(title, colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (480, 480), colour).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


def _document(title):
    return get_document_model().objects.create(
        title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{title}.pdf")
    )


def _block_values(curators, documents):
    """Raw values cycling through every landing block kind except the hero (a page has one)."""
    stream = LandingStreamBlock()
    values = {
        name: block.get_prep_value(block.get_preview_value())
        for name, block in stream.child_blocks.items()
        if name != "hero" and hasattr(block.meta, "preview_value")
    }
    values["legal_basis"]["acts"][0]["value"]["document"] = documents[0].pk
    kinds = [name for name in stream.child_blocks if name != "hero"]
    for index in range(10_000):
        name = kinds[index % len(kinds)]
        if name == "curator":
            curator = curators[index % len(curators)]
            yield name, {"heading": "Куратор услуги", "curator": curator.pk, "note": ""}
        elif name == "document_download":
            document = documents[index % len(documents)]
            yield name, {"document": document.pk, "title": "", "description": "Образец"}
        else:
            yield name, values[name]


def _body(count, curators, documents):
    hero = LandingStreamBlock().child_blocks["hero"]
    body = [("hero", hero.get_prep_value(hero.get_preview_value()))]
    generator = _block_values(curators, documents)
    body += [next(generator) for _ in range(count - 1)]
    return [{"type": name, "value": value} for name, value in body]


def build_pages():
    region = create_region("Калужская область", "kaluga", "40").region
    home = region.home_page
    branding = RegionBranding.for_site(region.site)
    branding.coat_of_arms = _photo("coat-of-arms", (20, 60, 160))
    branding.save()
    category, _ = ServiceCategory.objects.get_or_create(
        slug="education", defaults={"name": "Образование"}
    )
    curators = [
        Curator.objects.create(
            region=region,
            full_name=f"Куратор {n}",
            position="Заместитель министра",
            organisation="Министерство образования и науки Калужской области",
            photo=_photo(f"curator-{n}", (40 * n % 255, 90, 140)),
            consent_to_publish=True,
        )
        for n in range(1, 5)
    ]
    documents = [_document(f"blank-{n}") for n in range(1, 5)]
    pages = {"host": region.site.hostname}
    for name, blocks in (("service30", 30), ("service60", 60)):
        page = ServicePage(
            title=f"Запись в детский сад ({blocks} блоков)",
            slug=name,
            service_code=f"40000000{blocks}",
            code_level="regional",
            category=category,
            agency="Министерство образования и науки Калужской области",
            summary="Постановка ребёнка на учёт для зачисления в детский сад.",
            body=_body(blocks, curators[: blocks // 15], documents[: blocks // 15]),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        pages[name] = page
    baseline = InformationPage(
        title="О портале",
        slug="about",
        body="<p>Портал государственных услуг Калужской области.</p>",
    )
    home.add_child(instance=baseline)
    baseline.save_revision().publish()
    pages["baseline"] = baseline
    return pages
