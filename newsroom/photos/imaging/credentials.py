"""Content Credentials (C2PA) on public copies: signing one, and reading what one says.

A signed copy carries a manifest made with the C2PA reference library (c2pa-python): the
original as its parent ingredient, named by the original's SHA-256; the actions that made the
copy from it (resized, cropped, turned, converted, metadata removed); and the photo's record
(VIRIN, creator, credit, "Public domain") as a schema.org CreativeWork.

What a copy does not carry: a camera's own manifest from the original. It may hold the GPS
position or the camera's serial number (the domain notes, section 3), which no public file may;
the ingredient names the original by its hash instead, and the original stays private.
Nor a thumbnail: a second picture in every file, tens of kilobytes on each rendition.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import c2pa

from newsroom.photos.imaging.specs import EXIF_COPYRIGHT

# Where the original's SHA-256 is kept: in the parent ingredient's assertion metadata, under a
# name of our own (the C2PA assertion metadata allows extension fields).
ORIGINAL_SHA256 = "newsroom.original.sha256"
PARENT = "original"  # the ingredient's label inside our own manifest, for the "opened" action

# What each action a manifest records means, in a reader's words.
ACTION_WORDS = {
    "c2pa.opened": "Opened the original",
    "c2pa.orientation": "Turned upright",
    "c2pa.cropped": "Cropped",
    "c2pa.resized": "Resized",
    "c2pa.converted": "Converted to another file format",
    "c2pa.edited.metadata": "Metadata removed or rewritten (no picture change)",
    "c2pa.created": "Created",
    "c2pa.color_adjustments": "Colour adjusted",
    "c2pa.edited": "Edited",
    "c2pa.filtered": "Filtered",
    "c2pa.drawing": "Drawn on",
    "c2pa.placed": "Another picture placed in it",
    "c2pa.removed": "Something removed from it",
}

# What DoDI 5040.02 lets an official photo undergo without saying so: the standard adjustments
# (cropping, turning, sizing, colour balance, brightness and contrast), re-saving, and metadata.
# Any other action an original's manifest records must be disclosed in the caption.
STANDARD_ACTIONS = frozenset(
    {
        "c2pa.opened",
        "c2pa.created",
        "c2pa.resized",
        "c2pa.cropped",
        "c2pa.orientation",
        "c2pa.color_adjustments",
        "c2pa.converted",
        "c2pa.transcoded",
        "c2pa.repackaged",
        "c2pa.published",
        "c2pa.edited.metadata",
    }
)
# Digital source types (IPTC) of a picture a camera did not simply take: made or changed by a
# generative model or an algorithm, or put together from several.
MADE_NOT_TAKEN = frozenset(
    {
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "algorithmicMedia",
        "algorithmicallyEnhanced",
        "compositeSynthetic",
        "composite",
        "digitalCreation",
        "dataDrivenMedia",
    }
)
# What each of those, and the actions beyond the standard ones, means in an editor's words, as in
# "its Content Credentials say that it was …" (the checks before publishing, stories/checks.py).
DISCLOSED_WORDS = {
    "c2pa.edited": "edited",
    "c2pa.filtered": "filtered",
    "c2pa.drawing": "drawn on",
    "c2pa.placed": "changed by placing something in it",
    "c2pa.removed": "changed by removing something from it",
    "trainedAlgorithmicMedia": "made by a generative AI model",
    "compositeWithTrainedAlgorithmicMedia": "combined with AI-generated content",
    "algorithmicMedia": "made by an algorithm",
    "algorithmicallyEnhanced": "enhanced by an algorithm",
    "compositeSynthetic": "combined with synthetic content",
    "composite": "a composite of several pictures",
    "digitalCreation": "created digitally, not photographed",
    "dataDrivenMedia": "made from data",
}

# The library's validation failure for a signer not on a trust list: reported, not an integrity error.
_UNTRUSTED = "signingCredential.untrusted"

_MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png", "tiff": "image/tiff"}

# No thumbnail (see above); no reading back after signing (the copy is audited once made);
# no network: no remote manifests, no OCSP.
_SETTINGS = {
    "builder": {"thumbnail": {"enabled": False}},
    "verify": {"verify_after_sign": False, "remote_manifest_fetch": False, "ocsp_fetch": False},
}


@dataclass(frozen=True)
class Signing:
    """Who signs the public copies: a certificate chain (PEM, the signing certificate first) and
    either its private key (PEM) or a function that signs bytes with it (an HSM or a KMS)."""

    certificate_chain: bytes
    private_key: bytes | None = None
    sign: Callable[[bytes], bytes] | None = None

    def signer(self) -> c2pa.Signer:
        # ES256 (ECDSA on P-256): the algorithm every C2PA validator supports.
        if self.sign is not None:
            return c2pa.Signer.from_callback(self.sign, c2pa.C2paSigningAlg.ES256, self.certificate_chain.decode())
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.certificate_chain, self.private_key, None)
        return c2pa.Signer.from_info(info)


@dataclass(frozen=True)
class CopyHistory:
    """How a public copy was made from its original, as the manifest's actions say it."""

    original_format: str  # "jpeg", "png", "webp" or "tiff"
    original_sha256: str
    resized: bool
    cropped: bool
    turned: bool
    converted: bool

    def actions(self) -> list[dict]:
        actions = [{"action": "c2pa.opened", "parameters": {"ingredientIds": [PARENT]}}]
        if self.turned:
            actions.append({"action": "c2pa.orientation", "description": "Turned as the camera recorded."})
        if self.cropped:
            actions.append({"action": "c2pa.cropped", "description": "Cropped to fill, centred."})
        if self.resized:
            actions.append({"action": "c2pa.resized"})
        if self.converted:
            actions.append({"action": "c2pa.converted"})
        actions.append(
            {
                "action": "c2pa.edited.metadata",
                "description": "The original's metadata removed (GPS position, serial numbers, maker notes); "
                "the photo's record written.",
            }
        )
        return actions


def signing_context() -> c2pa.Context:
    return c2pa.Context.from_dict(_SETTINGS)


def sign_public_file(
    content: bytes,
    image_format: str,
    *,
    name: str,
    metadata,
    history: CopyHistory,
    signer: c2pa.Signer,
    context: c2pa.Context,
) -> bytes:
    """`content` with a signed manifest embedded: the same picture, and the same metadata besides."""
    author = [{"@type": "Person", "name": metadata.photographer}] if metadata.photographer else []
    manifest = {
        "claim_generator_info": [{"name": "Newsroom"}],
        "title": f"{metadata.virin} {name}",
        "format": _MIME[image_format],
        "ingredients": [
            {
                "title": f"{metadata.virin} (original)",
                "format": _MIME[history.original_format],
                "relationship": "parentOf",
                "label": PARENT,
                "metadata": {ORIGINAL_SHA256: history.original_sha256},
            }
        ],
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": history.actions()}},
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {
                    "@context": "https://schema.org",
                    "@type": "CreativeWork",
                    "identifier": metadata.virin,
                    "name": metadata.title or metadata.virin,
                    "author": author,
                    "creditText": metadata.credit,
                    "copyrightNotice": EXIF_COPYRIGHT,
                },
            },
        ],
    }
    signed = io.BytesIO()
    with c2pa.Builder.from_json(manifest, context) as builder:
        builder.sign(signer, _MIME[image_format], io.BytesIO(content), signed)
    return signed.getvalue()


@dataclass(frozen=True)
class ContentCredentials:
    """What a file's manifest says, and whether it checks out.

    ``state``: "trusted" (signature and hashes check out, and the signer is on the trust list),
    "valid" (they check out; the signer's certificate is not on a trust list this site knows) or
    "invalid" (something in the file or its manifest was changed, or the manifest is broken).
    """

    state: str
    problems: tuple[str, ...]  # the validator's failure codes, without the untrusted signer
    signer: str  # the signing certificate's common name, or its organization
    issuer: str
    actions: tuple[str, ...]
    sources: tuple[str, ...]  # the actions' digital source types (IPTC's last word: "digitalCapture" ...)
    original_sha256: str
    virin: str
    creator: str
    credit: str
    rights: str

    @property
    def validates(self) -> bool:
        return self.state in ("trusted", "valid")

    @property
    def to_disclose(self) -> tuple[str, ...]:
        """The recorded actions and sources a caption must disclose (DoDI 5040.02); () when none."""
        actions = [action for action in self.actions if action not in STANDARD_ACTIONS]
        sources = [source for source in self.sources if source in MADE_NOT_TAKEN]
        return tuple(dict.fromkeys(actions + sources))


def file_format(content: bytes) -> str | None:
    if content[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def read_content_credentials(content) -> ContentCredentials | None:
    """The file's Content Credentials, validated; None when it carries none. `content` is the
    file's bytes, or the file itself opened for reading (seekable): an original of 60 MB is then
    read by the library as it needs, never held whole in memory."""
    stream = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    image_format = file_format(stream.read(12))
    stream.seek(0)
    if image_format is None:
        return None
    try:
        with c2pa.Reader(_MIME[image_format], stream, context=signing_context()) as reader:
            store = reader.get_active_manifest() or {}
            state = (reader.get_validation_state() or "").lower()
            results = reader.get_validation_results() or {}
    except c2pa.C2paError.ManifestNotFound:
        return None
    except c2pa.C2paError as error:  # a manifest is there, but cannot be read: as bad as a wrong one
        return ContentCredentials("invalid", (str(error),), "", "", (), (), "", "", "", "", "")
    failures = [entry.get("code", "") for entry in results.get("activeManifest", {}).get("failure", [])]
    for delta in results.get("ingredientDeltas", []):
        failures.extend(entry.get("code", "") for entry in delta.get("validationDeltas", {}).get("failure", []))
    problems = tuple(code for code in failures if code != _UNTRUSTED)
    if problems or state not in ("valid", "trusted"):
        state = "invalid"
    signature = store.get("signature_info") or {}
    parent = next((i for i in store.get("ingredients", []) if i.get("relationship") == "parentOf"), {})
    actions, sources = [], []
    work = {}
    for assertion in store.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions", []):
                actions.append(action.get("action", ""))
                if action.get("digitalSourceType"):
                    sources.append(str(action["digitalSourceType"]).rstrip("/").rsplit("/", 1)[-1])
        elif assertion.get("label") == "stds.schema-org.CreativeWork":
            work = assertion.get("data") or {}
    authors = work.get("author") or []
    return ContentCredentials(
        state=state,
        problems=problems,
        signer=signature.get("common_name") or signature.get("issuer") or "",
        issuer=signature.get("issuer") or "",
        actions=tuple(actions),
        sources=tuple(sources),
        original_sha256=(parent.get("metadata") or {}).get(ORIGINAL_SHA256, ""),
        virin=work.get("identifier", ""),
        creator=", ".join(author.get("name", "") for author in authors if isinstance(author, dict)),
        credit=work.get("creditText", ""),
        rights=work.get("copyrightNotice", ""),
    )
