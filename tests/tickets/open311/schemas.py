"""JSON Schemas of GeoReport v2's JSON documents, written from the specification
(GeoReport/v2 and Service Discovery in open311/open311.github.io). Strings where the spec's
identifiers are strings, W3C date-times with a time zone, no fields the spec does not name
(except our documented extensions `notes` and `media_urls` with `extensions=true`)."""

W3C_DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
NULLABLE_STRING = {"type": ["string", "null"]}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "additionalProperties": False,
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "additionalProperties": False,
                "properties": {
                    "specification": {
                        "enum": [
                            "http://wiki.open311.org/GeoReport_v2",
                            # the service request updates extension (issue 16)
                            "https://github.com/mysociety/fixmystreet/wiki/"
                            "Open311-FMS---Proposed-differences-to-Open311",
                        ]
                    },
                    "url": {"type": "string", "pattern": "^https?://"},
                    "changeset": {"type": "string"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "items": {"enum": ["text/xml", "application/json"]},
                        "contains": {"const": "text/xml"},
                    },
                },
            },
        },
        # Our documented extension parameters (issue 17: coord_system); not in the spec.
        "extensions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["parameter", "method", "values", "default", "description"],
                "additionalProperties": False,
                "properties": {
                    "parameter": {"type": "string"},
                    "method": {"type": "string"},
                    "values": {"type": "string"},
                    "default": {"type": "string"},
                    "description": {"type": "string"},
                },
            },
        },
    },
}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
        ],
        "additionalProperties": False,
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
}  # fmt: skip

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "additionalProperties": False,
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "variable", "code", "datatype", "required", "datatype_description",
                    "order", "description", "values",
                ],
                "additionalProperties": False,
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": [
                            "string", "number", "datetime", "text",
                            "singlevaluelist", "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": NULLABLE_STRING,
                    "order": {"type": "integer", "minimum": 1},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "additionalProperties": False,
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}  # fmt: skip

CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "additionalProperties": False,
        "not": {"required": ["token"]},
        "properties": {
            "service_request_id": {"type": "string", "minLength": 1},
            "service_notice": NULLABLE_STRING,
            "account_id": NULLABLE_STRING,
        },
    },
}

REQUEST = {
    "type": "object",
    "required": [
        "service_request_id", "status", "service_name", "service_code",
        "requested_datetime", "updated_datetime",
    ],
    "additionalProperties": False,
    "properties": {
        "service_request_id": {"type": "string", "minLength": 1},
        "status": {"enum": ["open", "closed"]},
        "status_notes": NULLABLE_STRING,
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "description": NULLABLE_STRING,
        "agency_responsible": NULLABLE_STRING,
        "service_notice": NULLABLE_STRING,
        "requested_datetime": W3C_DATETIME,
        "updated_datetime": W3C_DATETIME,
        "expected_datetime": {"oneOf": [W3C_DATETIME, {"type": "null"}]},
        "address": NULLABLE_STRING,
        "address_id": NULLABLE_STRING,
        "zipcode": NULLABLE_STRING,
        "lat": {"type": ["number", "null"]},
        "long": {"type": ["number", "null"]},
        "media_url": NULLABLE_STRING,
        # extensions=true
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["datetime", "description", "type"],
                "additionalProperties": False,
                "properties": {
                    "datetime": W3C_DATETIME,
                    "description": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
        "media_urls": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip
REQUESTS = {"type": "array", "items": REQUEST}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}

# GET Service Request Updates (mySociety's extension, as FixMyStreet reads it)
UPDATE = {
    "type": "object",
    "required": [
        "update_id", "service_request_id", "status", "updated_datetime", "description",
        "media_url",
    ],
    "additionalProperties": False,
    "properties": {
        "update_id": {"type": "string", "minLength": 1},
        "service_request_id": {"type": "string", "minLength": 1},
        "status": {"enum": ["open", "closed"]},
        "updated_datetime": W3C_DATETIME,
        "description": {"type": "string", "minLength": 1},
        "media_url": NULLABLE_STRING,
        "external_status_code": {"type": "string"},
    },
}  # fmt: skip
UPDATES = {"type": "array", "items": UPDATE}
