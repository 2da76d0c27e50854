"""A security key in software, for the test client: what a browser and a FIDO2 key send back.

An EC P-256 key pair (COSE algorithm -7, ES256). Registration answers with a "none" attestation
whose authenticator data carries the key's public half; an assertion signs authenticatorData
followed by SHA-256(clientDataJSON), as WebAuthn §6.3.3 has the key do. The browser's part (the
clientDataJSON with the challenge and the page's origin) is written here too.
"""

import base64
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

USER_PRESENT, USER_VERIFIED, ATTESTED_CREDENTIAL_DATA = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    def __init__(self, *, rp_id="testserver", origin="http://testserver"):
        self.rp_id, self.origin = rp_id, origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        # kty EC2, alg ES256, crv P-256, x, y (RFC 9053).
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def authenticator_data(self, flags: int, attested: bytes = b"") -> bytes:
        self.sign_count += 1
        rp_id_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_id_hash + bytes([flags]) + self.sign_count.to_bytes(4, "big") + attested

    def client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def register(self, options: dict) -> dict:
        """The browser's answer to navigator.credentials.create() with the server's options."""
        client_data = self.client_data("webauthn.create", options["challenge"])
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self.cose_public_key()
        auth_data = self.authenticator_data(USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL_DATA, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {"credProps": {"rk": False}},
            "authenticatorAttachment": "cross-platform",
        }

    def assertion(self, options: dict) -> dict:
        """The browser's answer to navigator.credentials.get() with the server's options."""
        client_data = self.client_data("webauthn.get", options["challenge"])
        auth_data = self.authenticator_data(USER_PRESENT | USER_VERIFIED)
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def offered(self, options: dict) -> bool:
        """Whether the server asked for this key (a browser offers only the keys it lists)."""
        return b64url(self.credential_id) in [item["id"] for item in options.get("allowCredentials", [])]
