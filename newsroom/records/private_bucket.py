"""Kept records in the private bucket of photo originals, under records/ (imported only when
ORIGINALS_BUCKET_NAME is set: boto3 is heavy)."""

from newsroom.photos.private_bucket import PrivateBucketStorage


class RecordsBucketStorage(PrivateBucketStorage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Kept records are private and have no URL; staff open them in the admin.")
