"""Photo originals in a private S3-compatible bucket, for sites with several app servers.

Imported only when ORIGINALS_BUCKET_NAME is set (boto3 is heavy). Like OriginalsStorage on
disk, it gives no URL: readers get the cleaned public copies, never an original.
"""

from storages.backends.s3 import S3Storage


class PrivateBucketStorage(S3Storage):
    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Photo originals are private and have no URL; use the photo's public copies.")
