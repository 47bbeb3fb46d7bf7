"""The REST API: a valid OpenAPI document, and no server error whatever it is sent."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from facilitation.accounts.models import Role

from ..sockets import login


def test_the_openapi_document_validates(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    assert "/api/coalitions/{coalition_id}/members" in document["paths"]


def test_the_docs_page_is_served_by_the_app(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    script = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    script.close()  # a file response: close it, as a browser's client would
    assert script.status_code == 200


@pytest.fixture
def admin_headers(app, create_user):
    """An admin's session, sent as the browser would."""
    client = app.test_client()
    login(client, create_user(Role.ADMIN))
    return {"Cookie": f"session={client.get_cookie('session').value}"}


@pytest.fixture
def populated(create_workshop, screens, facilitator):
    """A workshop with notes, a group, votes and a coalition, for requests to reach."""
    workshop = create_workshop()
    phone = screens(workshop)
    note = phone.send("note.post", area="ideas", text="Une idée")["data"]["note"]
    control = screens(workshop, "control", user=facilitator)
    group = control.send("group.create", title="Idées")["data"]["group"]
    control.send("proposal.promote", target=f"group:{group['id']}")
    return note


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_request_makes_the_api_fail(app, admin_headers, populated):
    """Property-based: requests generated from the document, valid or not, never get a
    server error, and every answer matches what the document promises."""
    checked = []
    for operation in operations(app):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case):
            # A schema-valid request may still be refused with 422 by design (an unknown
            # format key, whitespace-only text, a phase rule): that check is left out.
            case.call_and_validate(
                headers=admin_headers, excluded_checks=[positive_data_acceptance]
            )

        call()
        checked.append(operation.label)
    assert len(checked) >= 12
