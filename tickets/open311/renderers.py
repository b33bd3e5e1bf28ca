"""GeoReport v2 output in XML (required) and JSON, both UTF-8.

Views return plain dicts and lists in the JSON shape (the Spark convention: an XML element
with repeated children is a JSON array). The XML renderer maps each array back to a wrapper
element whose children take the singular name in `ITEM_NAMES`; a top-level array's root comes
from the view (`xml_root`, `xml_item`). Booleans are `true`/`false`, null is an empty element.
"""

import re
import xml.etree.ElementTree as ET

from rest_framework.renderers import BaseRenderer, JSONRenderer

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
    "media_urls": "media_url",
    "extensions": "extension",
}
# Characters XML 1.0 cannot carry at all; dropped rather than producing a document no parser
# accepts.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ErrorList(list):
    """The spec's error document: `[{code, description}, …]`, `<errors><error>…`."""


class Open311JSONRenderer(JSONRenderer):
    charset = "utf-8"
    ensure_ascii = False


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        if isinstance(data, ErrorList):
            root, item = "errors", "error"
        else:
            root = getattr(view, "xml_root", "response")
            item = getattr(view, "xml_item", ITEM_NAMES.get(root, "item"))
        element = ET.Element(root)
        if isinstance(data, list):
            for value in data:
                _fill(ET.SubElement(element, item), item, value)
        else:
            _fill(element, root, data)
        body = ET.tostring(element, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _fill(element, name, value):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for child in value:
            _fill(ET.SubElement(element, item), item, child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _INVALID_XML.sub("", str(value))
