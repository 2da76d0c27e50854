"""Checking uploaded photos and making the public copies readers get.

Pure functions over image bytes: no models, no storage, no settings. The caller passes the
limits (``inspect_upload``) and the record to write into every copy (``make_public_files``).

Modules, one concern each:

- ``specs``: the shared dataclasses, RENDITION_SPECS and the encoder settings
- ``uploads``: ``inspect_upload``, checking an upload before anything is kept
- ``jpeg``: walking a JPEG's marker segments; the lossless full-size rewrite
- ``record``: ``xmp_packet`` and ``exif_block``, the record written into every public copy
- ``pixels``: turning a picture into RGB, and planning the renditions' sizes
- ``copies``: encoding, and ``make_public_files``
- ``audit``: ``public_file_problems``, what a public copy must not carry
- ``credentials``: Content Credentials (C2PA): signing a public copy, reading one's manifest
- ``preview``: ``preview_jpeg``, a small picture of an upload for the editor, before it is saved
"""

from newsroom.photos.imaging.audit import public_file_problems
from newsroom.photos.imaging.copies import make_public_files
from newsroom.photos.imaging.credentials import (
    ACTION_WORDS,
    DISCLOSED_WORDS,
    ContentCredentials,
    Signing,
    read_content_credentials,
)
from newsroom.photos.imaging.preview import preview_jpeg
from newsroom.photos.imaging.record import exif_block, xmp_packet
from newsroom.photos.imaging.specs import (
    ACCEPTED_FORMATS,
    RENDITION_SPECS,
    ImageFacts,
    PublicFile,
    PublicMetadata,
    RenditionSpec,
    UploadRefused,
)
from newsroom.photos.imaging.uploads import inspect_upload

__all__ = [
    "ACCEPTED_FORMATS",
    "ACTION_WORDS",
    "DISCLOSED_WORDS",
    "ContentCredentials",
    "RENDITION_SPECS",
    "ImageFacts",
    "PublicFile",
    "PublicMetadata",
    "RenditionSpec",
    "Signing",
    "UploadRefused",
    "exif_block",
    "inspect_upload",
    "make_public_files",
    "preview_jpeg",
    "public_file_problems",
    "read_content_credentials",
    "xmp_packet",
]
