"""Public photo copies on S3-compatible object storage, chosen by environment variables.

Each case imports the settings in a fresh process, as a server would start; nothing here
talks to a bucket (URLs on a custom domain are made without a request).
"""

import json

from tests.website.test_production_settings import manage

S3 = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.gov",
    "AWS_S3_REGION_NAME": "us-gov-west-1",
    "AWS_S3_CUSTOM_DOMAIN": "media.example.gov",
}
SHOW = (
    "import json; from django.conf import settings; from django.core.files.storage import storages; "
    "print(json.dumps({'storages': settings.STORAGES, 'img_src': settings.SECURE_CSP['img-src'], "
    "'url': storages['default'].url('photos/260303-N-TV418-1107/w800.ab12cd34.jpg'), "
    "'originals': type(storages['originals']).__name__}))"
)


def show(**env):
    result = manage("shell", "--verbosity", "0", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_public_copies_stay_on_disk_unless_object_storage_is_asked_for():
    found = show()
    assert found["storages"]["default"]["BACKEND"] == "newsroom.core.files.MediaStorage"
    assert found["originals"] == "OriginalsStorage"
    assert found["storages"]["records"]["BACKEND"] == "newsroom.records.storage.RecordsStorage"


def test_media_storage_s3_puts_public_copies_in_the_bucket_behind_its_domain():
    found = show(**S3)
    default = found["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {
        key: default["OPTIONS"][key] for key in ("bucket_name", "endpoint_url", "region_name", "custom_domain")
    } == {
        "bucket_name": "newsroom-media",
        "endpoint_url": "https://objects.example.gov",
        "region_name": "us-gov-west-1",
        "custom_domain": "media.example.gov",
    }
    assert found["url"] == "https://media.example.gov/photos/260303-N-TV418-1107/w800.ab12cd34.jpg", "plain, unsigned"
    assert "https://media.example.gov" in found["img_src"], "the CSP lets pages show those photos"
    assert found["originals"] == "OriginalsStorage", "originals stay on PRIVATE_MEDIA_ROOT unless a bucket is named"


def test_originals_can_live_in_a_private_bucket_with_no_url():
    found = show(**S3, ORIGINALS_BUCKET_NAME="newsroom-originals")
    originals = found["storages"]["originals"]
    assert originals["BACKEND"] == "newsroom.photos.private_bucket.PrivateBucketStorage"
    assert originals["OPTIONS"]["bucket_name"] == "newsroom-originals"
    assert originals["OPTIONS"]["default_acl"] == "private"
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.core.files.storage import storages; storages['originals'].url('originals/x.jpg')",
        **S3,
        ORIGINALS_BUCKET_NAME="newsroom-originals",
    )
    assert "Photo originals are private and have no URL" in result.stderr
    # The pages kept before a change (newsroom/records) go in the same private bucket, under records/.
    records = found["storages"]["records"]
    assert records["BACKEND"] == "newsroom.records.private_bucket.RecordsBucketStorage"
    assert (records["OPTIONS"]["bucket_name"], records["OPTIONS"]["location"]) == ("newsroom-originals", "records")
    assert records["OPTIONS"]["default_acl"] == "private"


def test_s3_without_a_bucket_or_an_unknown_storage_stops_the_server_with_a_clear_message():
    missing = manage("check", MEDIA_STORAGE="s3")
    unknown = manage("check", MEDIA_STORAGE="bucket")
    assert missing.returncode != 0 and "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in missing.stderr
    assert unknown.returncode != 0 and 'MEDIA_STORAGE must be "filesystem" or "s3", not "bucket"' in unknown.stderr


def test_a_copy_address_is_what_django_would_make_of_its_name():
    """MediaStorage joins plain names to MEDIA_URL itself; anything else goes through Django."""
    from django.core.files.storage import FileSystemStorage

    from newsroom.core.files import MediaStorage

    names = [
        "photos/26/260303-n-tv418-1107/w800.ab12cd34ef.jpg",  # a copy, as Newsroom names them
        "photos/26/260303-n-tv418-1107/thumb.ab12cd34ef.webp",
        "a_b-c.d/e",
        "photos/two words.jpg",  # quoted
        "photos/caf\u00e9.jpg",
        "photos/../secret.jpg",  # resolved by urljoin
        "./photos/x.jpg",
        "/photos/x.jpg",  # a leading slash is dropped
        "photos//x.jpg",
        "photos/x.jpg?y=1",
        "photos/.hidden.jpg",
        "photos/x#y.jpg",
        "",
    ]
    for base in ("/media/", "https://media.example.gov/media/", "https://media.example.gov/", "/media"):
        ours, django = MediaStorage(base_url=base), FileSystemStorage(base_url=base)
        for name in names:
            assert ours.url(name) == django.url(name), (base, name)
