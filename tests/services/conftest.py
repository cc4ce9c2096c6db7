"""The review's service page and its editor's POST data, for the curator chooser's tests."""

from tests.review.conftest import (  # noqa: F401
    consenting_curator,
    draft_service,
    review_standard,
    submit_data,
)
