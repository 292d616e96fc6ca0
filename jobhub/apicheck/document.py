"""The OpenAPI document: its operations and what each one documents."""

from __future__ import annotations

from dataclasses import dataclass

METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    tag: str
    summary: str
    secured: bool
    responses: dict[str, dict]

    @property
    def key(self) -> str:
        """``"GET /api/v1/jobs/{job_id}"``, as the report names the operation."""
        return f"{self.method} {self.path}"

    @property
    def success_statuses(self) -> list[int]:
        return sorted(int(code) for code in self.responses if code.startswith("2"))

    def documents(self, status: int) -> bool:
        return str(status) in self.responses or "default" in self.responses

    def response_schema(self, status: int) -> dict | None:
        """The JSON schema documented for ``status`` (else ``default``), if any."""
        response = self.responses.get(str(status)) or self.responses.get("default") or {}
        content = response.get("content") or {}
        media = content.get("application/json") or {}
        return media.get("schema")


def operations(document: dict) -> list[Operation]:
    """Every operation of ``document``, in the document's order."""
    default_security = document.get("security")
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            spec = item.get(method)
            if not isinstance(spec, dict):
                continue
            security = spec.get("security", default_security)
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    tag=(spec.get("tags") or ["untagged"])[0],
                    summary=spec.get("summary", ""),
                    secured=bool(security) and {} not in security,
                    responses=spec.get("responses", {}),
                )
            )
    return found
