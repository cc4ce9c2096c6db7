"""A landing that is hard to fit on a phone, added to the browser tests' demo server.

Real services carry long Russian words, document titles, e-mail addresses and links; the demo's
are short enough to hide a layout that only holds for them. This page puts the longest texts an
official may plausibly type into every landing block (curator card, offices, fees, documents,
links), so the phone-width check has something to break on.

Run by the harness (tests/browser/conftest.py) as ``python -m tests.browser.long_content`` after
``load_demo``, with the demo server's settings in the environment. Idempotent.
"""

import django

SLUG = "svidetelstvo-o-registracii-ip"
REGION = "kaluga"
LONG_TITLE = "Свидетельство о государственной регистрации индивидуального предпринимателя"
LONG_WORD = "Частнопредпринимательская"
LONG_EMAIL = "otdel.gosudarstvennoy.registracii.predprinimateley@kaluga.gosuslugi.example"
LONG_URL = (
    "https://www.gosuslugi.example/kaluga/uslugi/gosudarstvennaya-registraciya-"
    "individualnogo-predprinimatelya/podrobnosti?istochnik=lending&razdel=dokumenty"
)

SERVICE = {
    "title": LONG_TITLE,
    "hero_heading": f"{LONG_TITLE}: {LONG_WORD.lower()} деятельность",
    "hero": f"Выписка и {LONG_TITLE.lower()} — онлайн. Подробности: {LONG_URL}",
    "agency": "Управление Федеральной налоговой службы по Калужской области",
    "channels": ["online", "mfc", "in_person", "post"],
    "applicants": [f"{LONG_WORD} деятельность граждан Российской Федерации: {LONG_URL}"],
    "eligibility_note": f'<p>Подробнее: <a href="{LONG_URL}">{LONG_URL}</a></p>',
    "documents": [
        (LONG_TITLE, f"Сведения запросим сами; вопросы — {LONG_EMAIL}", "agency"),
        (f"{LONG_TITLE} (дубликат)", LONG_URL, "original"),
        (f"Доверенность на {LONG_WORD.lower()} деятельность", "", ""),
    ],
    "fees": [
        (f"Государственная пошлина за {LONG_TITLE.lower()}", 1_250_000, LONG_URL),
        ("Выдача дубликата", 0, ""),
    ],
    "exemptions": [f"{LONG_WORD} деятельность ветеранов — {LONG_URL}"],
    "deadlines": [(LONG_TITLE, 30, "working", LONG_EMAIL)],
    "results": [(LONG_TITLE, LONG_URL)],
    "how_received": f"На адрес {LONG_EMAIL}",
    "steps": [(LONG_TITLE, LONG_URL), (LONG_WORD, LONG_EMAIL)],
    "faq": [(f"Где получить {LONG_TITLE.lower()}?", f'<p><a href="{LONG_URL}">{LONG_URL}</a></p>')],
    "acts": ["129-fz", "210-fz"],
    "callout": ("warning", LONG_TITLE, f"<p>{LONG_WORD}: {LONG_EMAIL}</p>"),
    "text": f'<h3>{LONG_TITLE}</h3><p><a href="{LONG_URL}">{LONG_URL}</a> {LONG_EMAIL}</p>',
}

REGION_DATA = {
    "genitive": "Калужской области",
    "offices": [
        {
            "name": f"МФЦ «Мои документы»: {LONG_TITLE.lower()}",
            "address": f"248000, г. Калуга, {LONG_WORD.lower()} ул., д. 100500, корп. 2",
            "opening_hours": [{"days": "Понедельник–пятница", "hours": "08:00–20:00 без обеда"}],
            "phone": "+7 (4842) 71-00-01 доб. 12345",
            "accessibility": f"Пандус. {LONG_EMAIL}",
            "directions": LONG_URL,
        }
    ],
    "branding": {
        "phone": "+7 (4842) 71-00-00 доб. 123456",
        "email": LONG_EMAIL,
        "hours": "Понедельник–пятница 08:00–20:00",
    },
}

CURATOR = {
    "full_name": "Константинопольская-Преображенская Александра Вячеславовна",
    "position": f"Начальник отдела {LONG_WORD.lower()} деятельности и {LONG_TITLE.lower()}",
    "organisation": "Министерство экономического развития и промышленности Калужской области",
    "email": LONG_EMAIL,
    "phone": "+7 (4842) 71-10-20 доб. 12345",
    "consent_to_publish": True,
}


def ensure_long_landing():
    """Publish the long landing in the region (and its curator); return the page."""
    from wagtail.images import get_image_model

    from constructor.services.models import Curator, ServiceCategory, ServicePage
    from fixtures.demo.landing import service_body
    from sites.models import Region

    region = Region.objects.get(slug=REGION)
    home = region.home_page
    page = ServicePage.objects.child_of(home).filter(slug=SLUG).first()
    if page is not None:
        return page
    curator = Curator.objects.filter(region=region, full_name=CURATOR["full_name"]).first()
    if curator is None:
        # Any of the region's images: only its size matters here.
        photo = get_image_model().objects.filter(collection=region.collection).first()
        curator = Curator(region=region, photo=photo, **CURATOR)
        curator.full_clean()
        curator.save()
    page = ServicePage(
        title=LONG_TITLE,
        slug=SLUG,
        service_code="4000000999",
        code_level="regional",
        category=ServiceCategory.objects.get(slug="business"),
        agency=SERVICE["agency"],
        summary=f"{LONG_TITLE}. {LONG_WORD} деятельность. {LONG_EMAIL}",
        body=service_body(SERVICE, REGION_DATA, curator_pk=curator.pk),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


if __name__ == "__main__":
    django.setup()
    ensure_long_landing()
