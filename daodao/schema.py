"""The OpenAPI schema says what the API really answers (drf-spectacular post-processing hook).

drf-spectacular documents the success response of each operation only. Every operation can
also answer 400 (invalid body, filter or page), 401 (no or a bad token), 403 (seen but not
changeable), 404 (absent or out of scope; a page past the end), 413 (a body over the limit)
and 429 (throttled); a schema that hides them makes clients, and schemathesis, trip over them.
"""

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in the user's language.",
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field name (or detail / non_field_errors) to a list of messages, or a detail message.",
    "additionalProperties": True,
}
ERRORS = {
    "400": ("ValidationError", "The request is invalid; the body says which field and why."),
    "401": ("Error", "No credentials, or a token that does not exist."),
    "403": ("Error", "The caller may see this but not do this."),
    "404": ("Error", "Not found, or outside the caller's scope (the two are indistinguishable)."),
    "413": ("Error", "The request body is larger than the limit."),
    "429": ("Error", "Too many requests; try again later."),
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, (component, description) in ERRORS.items():
                if status == "413" and method in ("get", "delete"):
                    continue
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                })
    return result
