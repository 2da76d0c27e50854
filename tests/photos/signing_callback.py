"""A signing callback as C2PA_SIGNING_CALLBACK names one: here the key is a file whose path the test
sets; in production the function would ask an HSM or a KMS to sign."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def sign(data: bytes) -> bytes:
    key = serialization.load_pem_private_key(Path(os.environ["NEWSROOM_TEST_SIGNING_KEY"]).read_bytes(), None)
    return key.sign(data, ec.ECDSA(hashes.SHA256()))
