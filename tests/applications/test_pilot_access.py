"""A pilot service's application form is as hidden as its landing page."""

from constructor.review.pilot import pilot_url, start_pilot


def test_pilot_form_needs_the_pilot_link(form_service, citizen, admin_user):
    pilot = start_pilot(form_service, admin_user)
    assert citizen.start().status_code == 404
    assert citizen.client.get(citizen.base, {"pilot": "wrong"}).status_code == 404

    assert citizen.client.get(pilot_url(pilot)).status_code == 200  # the landing keeps the pass
    assert citizen.start().status_code == 302


def test_form_of_a_password_protected_service_is_not_open(form_service, citizen):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=form_service, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert citizen.start().status_code == 404
