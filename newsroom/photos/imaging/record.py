"""The record written into every public copy: an XMP packet and a minimal EXIF block."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from PIL import Image

from newsroom.photos.imaging.specs import EXIF_COPYRIGHT, PUBLIC_DOMAIN, PublicMetadata

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: str) -> str:
    return escape(_XML_INVALID.sub("", value or ""))


def xmp_packet(metadata: PublicMetadata) -> bytes:
    """The XMP packet every public copy carries (IIM-to-XMP mapping of the Metadata Working Group)."""

    def alt(value):
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(value)}</rdf:li></rdf:Alt>'

    fields = [f"<dc:title>{alt(metadata.virin)}</dc:title>"]
    if metadata.caption:
        fields.append(f"<dc:description>{alt(metadata.caption)}</dc:description>")
    if metadata.photographer:
        fields.append(
            f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(metadata.photographer)}</rdf:li></rdf:Seq></dc:creator>"
        )
    fields.append(f"<dc:rights>{alt(PUBLIC_DOMAIN)}</dc:rights>")
    if metadata.title:
        fields.append(f"<photoshop:Headline>{_xml_text(metadata.title)}</photoshop:Headline>")
    if metadata.credit:
        fields.append(f"<photoshop:Credit>{_xml_text(metadata.credit)}</photoshop:Credit>")
    fields.append("<xmpRights:Marked>False</xmpRights:Marked>")  # False = public domain (XMP spec)
    body = "\n    ".join(fields)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"\n'
        '    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">\n'
        f"    {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def exif_block(metadata: PublicMetadata) -> bytes:
    """A minimal EXIF block ("Exif\\0\\0" + TIFF): description, artist, copyright, nothing else.

    EXIF strings are nominally ASCII; they are written as UTF-8 (what ExifTool and most
    readers expect), so "’" or "ñ" survive instead of turning into "?".
    """
    exif = Image.Exif()
    for tag, value in (
        (0x010E, metadata.caption),  # ImageDescription
        (0x013B, metadata.photographer),  # Artist
        (0x8298, EXIF_COPYRIGHT),  # Copyright
    ):
        if value:
            exif[tag] = value.replace("\x00", "").encode("utf-8")
    return exif.tobytes()
