"""The quality panel in the page editor shows the score and each unmet rule with its link."""

from django.urls import reverse

from constructor.services.models import ServicePage


def test_editor_sees_score_and_unmet_rules_in_the_page_editor(client, editor, region, category):
    page = ServicePage(
        title="Пособие",
        service_code="4000000001",
        code_level="regional",
        category=category,
        agency="Министерство",
        summary="Пособие.",
        body=[{"type": "hero", "value": {"heading": "Пособие", "summary": "Онлайн."}}],
    )
    region.home_page.add_child(instance=page)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="quality-panel"' in html
    # Every link target of the panel exists in the editor.
    assert 'href="#id_registry_entry"' in html and 'id="id_registry_entry"' in html
    assert 'href="#body"' in html and 'id="body"' in html
    assert "curator" in html.lower()
