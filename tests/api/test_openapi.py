"""The API's OpenAPI description is valid OpenAPI, and the API does what it says: a contract test
walks every operation in it, with each of its query parameters, and checks every answer against
the schema the description gives for its status."""

import datetime

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from newsroom.archive.services import story_archive
from newsroom.stories.models import Tag
from tests.api.conftest import get_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return get_json(client, "/api/v1/openapi.json")


@pytest.fixture
def newsroom(make_story, make_photo, create_story, committed, collection, indexed):
    photo = make_photo(public=True)
    for number in range(3):
        story = make_story(headline=f"Levee Repairs {number}", photos=[photo])
    story.tags.add(Tag.objects.create(name="Flood Control", slug="flood-control"))
    archived = committed(create_story, headline="Levee Archived")
    committed(story_archive, story=archived, collection=collection, user=None)
    indexed()
    return {"slug": story.slug, "story_id": str(story.pk), "virin": photo.virin}


# A value readers could give for each parameter the description names, by name.
SAMPLES = {
    "tag": "flood-control",
    "label": "news",
    "byline": "jane-doe",
    "archived": "true",
    "collection": "2019-2021",
    "published_after": "2020-01-01",
    "published_before": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
    "limit": "1",
    "q": "levee",
}


def test_the_description_is_valid_openapi(document):
    validate(document)
    assert document["info"]["title"] == "Newsroom public API"
    assert set(document["paths"]) == {
        "/api/v1/",
        "/api/v1/stories",
        "/api/v1/stories/{slug}",
        "/api/v1/stories/id/{story_id}",
        "/api/v1/photos",
        "/api/v1/photos/{virin}",
        "/api/v1/tags",
        "/api/v1/tags/{slug}",
        "/api/v1/collections",
        "/api/v1/collections/{slug}",
        "/api/v1/search",
    }


def answers_as_described(document, operation, response):
    described = operation["responses"].get(str(response.status_code))
    assert described is not None, f"{response.status_code} is not described for {operation['operationId']}"
    schema = {**described["content"]["application/json"]["schema"], "components": document["components"]}
    OAS31Validator(schema).validate(response.json())


def path_values(path: str, newsroom: dict) -> dict:
    if path.startswith("/api/v1/tags/"):
        return {"slug": "flood-control"}
    if path.startswith("/api/v1/collections/"):
        return {"slug": "2019-2021"}
    return newsroom


def filled(path: str, values: dict) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, path
    return path


def test_every_operation_answers_as_described(client, document, newsroom):
    walked = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert method == "get", f"{path} {method}: the API is read-only"
            parameters = operation.get("parameters", [])
            url = filled(path, path_values(path, newsroom))
            queried = [parameter for parameter in parameters if parameter["in"] == "query"]
            required = {p["name"]: SAMPLES[p["name"]] for p in queried if p["required"]}
            # As it is, then with each optional parameter in turn, and the next page where there is one.
            for query in [required] + [
                {**required, p["name"]: SAMPLES[p["name"]]} for p in queried if p["name"] in SAMPLES
            ]:
                response = client.get(url, query)
                assert response.status_code == 200, (url, query, response.content[:300])
                answers_as_described(document, operation, response)
                following = response.json().get("next") if isinstance(response.json(), dict) else None
                if following:
                    answers_as_described(document, operation, client.get(following))
                walked += 1
            if "{" in path:
                missing = client.get(filled(path, {"slug": "not-here", "story_id": "0", "virin": "not-here"}))
                assert missing.status_code == 404
                answers_as_described(document, operation, missing)
            refused = client.get(url, {**required, "no_such_parameter": "1"})
            assert refused.status_code == 400
            answers_as_described(document, operation, refused)
    assert walked >= 20


def test_a_429_is_as_described(client, document, settings):
    settings.API_RATE_LIMIT = 1
    client.get("/api/v1/")
    refused = client.get("/api/v1/")
    assert refused.status_code == 429
    answers_as_described(document, document["paths"]["/api/v1/"]["get"], refused)
