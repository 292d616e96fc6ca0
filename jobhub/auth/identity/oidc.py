"""OpenID Connect ID token verification (a library: no domain, no database).

A provider's signing keys come from its JWKS (``jwks_url``, or the ``jwks_uri`` of
``<issuer>/.well-known/openid-configuration``), kept for the response's Cache-Control
``max-age`` (else a default). A ``kid`` missing from the cached set refetches the set, at
most once per ``refetch_seconds``, so a stream of made-up kids cannot hammer the provider.
The algorithm is fixed by the key, never by the token: RSA keys verify RS256 only, P-256
keys ES256 only; HS* and ``none`` are refused before any key is looked at.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt.exceptions import InvalidKeyError, PyJWKError, PyJWTError

ALGORITHMS = ("RS256", "ES256")
MAX_DOCUMENT_BYTES = 512 * 1024
MAX_CACHE_SECONDS = 24 * 3600
DISCOVERY_PATH = "/.well-known/openid-configuration"


class TokenRefused(Exception):
    """The token does not prove an identity; the message says why (shown to the client)."""


class ProviderUnavailable(Exception):
    """The provider's keys (or discovery document) could not be fetched or read."""


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    audiences: tuple[str, ...]
    jwks_url: str | None = None
    authorized_parties: tuple[str, ...] = ()


@dataclass
class _Cached:
    value: Any
    fetched_at: float
    expires_at: float


@dataclass
class KeyCache:
    """Each JWKS (and discovery document) by URL, for its lifetime; thread-safe."""

    clock: Callable[[], float]
    timeout: float = 5
    default_seconds: int = 3600
    refetch_seconds: int = 60
    _entries: dict[str, _Cached] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key_for(self, provider: Provider, kid: str | None) -> jwt.PyJWK | None:
        """The provider's signing key named ``kid`` (the only key when no kid), or None."""
        url = self._jwks_url(provider)
        entry = self._current(url, _parse_jwks)
        key = _pick(entry.value, kid)
        if key is None and self.clock() - entry.fetched_at >= self.refetch_seconds:
            entry = self._fetch(url, _parse_jwks)
            key = _pick(entry.value, kid)
        return key

    def _jwks_url(self, provider: Provider) -> str:
        if provider.jwks_url:
            return provider.jwks_url
        url = provider.issuer.rstrip("/") + DISCOVERY_PATH
        document = self._current(url, _parse_discovery).value
        if document.get("issuer") != provider.issuer:
            raise ProviderUnavailable("The discovery document names another issuer.")
        return document["jwks_uri"]

    def _current(self, url: str, parse: Callable[[dict], Any]) -> _Cached:
        with self._lock:
            entry = self._entries.get(url)
        if entry is not None and self.clock() < entry.expires_at:
            return entry
        return self._fetch(url, parse)

    def _fetch(self, url: str, parse: Callable[[dict], Any]) -> _Cached:
        document, max_age = _get_json(url, self.timeout)
        now = self.clock()
        seconds = self.default_seconds if max_age is None else min(max_age, MAX_CACHE_SECONDS)
        entry = _Cached(value=parse(document), fetched_at=now, expires_at=now + seconds)
        with self._lock:
            self._entries[url] = entry
        return entry


def _get_json(url: str, timeout: float) -> tuple[dict, int | None]:
    """The JSON object at ``url`` and its Cache-Control max-age (None when absent)."""
    if not url.startswith(("http://", "https://")):
        raise ProviderUnavailable("The provider's URL is not http(s).")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_DOCUMENT_BYTES + 1)
            cache_control = response.headers.get("Cache-Control", "")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ProviderUnavailable(f"Fetching the provider's keys failed: {exc}") from exc
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderUnavailable("The provider's document is too large.")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise ProviderUnavailable("The provider's document is not JSON.") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable("The provider's document is not a JSON object.")
    return document, _max_age(cache_control)


def _max_age(cache_control: str) -> int | None:
    if re.search(r"\b(no-store|no-cache)\b", cache_control):
        return 0
    match = re.search(r"\bmax-age=(\d{1,10})\b", cache_control)
    return int(match.group(1)) if match else None


def _parse_discovery(document: dict) -> dict:
    uri = document.get("jwks_uri")
    if not isinstance(uri, str) or not re.match(r"https?://", uri):
        raise ProviderUnavailable("The discovery document has no http(s) jwks_uri.")
    return document


def _parse_jwks(document: dict) -> dict[str | None, jwt.PyJWK]:
    """The usable signing keys by kid; keys of other types or uses are left out."""
    keys: dict[str | None, jwt.PyJWK] = {}
    raw_keys = document.get("keys")
    if not isinstance(raw_keys, list):
        raise ProviderUnavailable("The JWKS has no keys list.")
    for raw in raw_keys:
        if not isinstance(raw, dict) or raw.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(raw)
        except (PyJWKError, InvalidKeyError, ValueError, TypeError):
            continue
        if algorithm_of(key) is not None:
            keys[raw.get("kid")] = key
    return keys


def _pick(keys: dict[str | None, jwt.PyJWK], kid: str | None) -> jwt.PyJWK | None:
    if kid is None:
        return next(iter(keys.values())) if len(keys) == 1 else None
    return keys.get(kid)


def algorithm_of(key: jwt.PyJWK) -> str | None:
    """The one algorithm a key verifies: RS256 for RSA, ES256 for P-256; None otherwise."""
    declared = key._jwk_data.get("alg")
    kty, curve = key._jwk_data.get("kty"), key._jwk_data.get("crv")
    fixed = "RS256" if kty == "RSA" else "ES256" if (kty, curve) == ("EC", "P-256") else None
    if fixed is None or declared not in (None, fixed):
        return None
    return fixed


# -- verification --------------------------------------------------------------------

_CLAIM_ERRORS: tuple[tuple[type[PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "The token has expired."),
    (jwt.ImmatureSignatureError, "The token is not valid yet (nbf or iat in the future)."),
    (jwt.InvalidAudienceError, "The token's audience (aud) is not this application."),
    (jwt.InvalidIssuerError, "The token's issuer (iss) is not the provider's."),
    (jwt.InvalidSignatureError, "The token's signature does not verify."),
)


def verify(token: str, *, provider: Provider, keys: KeyCache, leeway: int = 60) -> dict:
    """The claims of a valid ID token of ``provider`` with a verified email; else
    ``TokenRefused`` (``ProviderUnavailable`` when the keys cannot be had)."""
    try:
        header = jwt.get_unverified_header(token)
    except PyJWTError as exc:
        raise TokenRefused("The subject_token is not a signed JWT.") from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise TokenRefused(
            f"The token's algorithm {str(alg)[:20]!r} is not accepted (RS256 or ES256)."
        )
    if kid is not None and not isinstance(kid, str):
        raise TokenRefused("The token's kid is not a string.")
    key = keys.key_for(provider, kid)
    if key is None:
        raise TokenRefused("The token's signing key (kid) is not one of the provider's keys.")
    if algorithm_of(key) != alg:
        raise TokenRefused("The token's algorithm does not match its signing key.")
    claims = _decode(token, key, alg, provider, leeway)
    _check_authorized_party(claims, provider)
    _check_subject_and_email(claims)
    return claims


def _decode(token: str, key: jwt.PyJWK, alg: str, provider: Provider, leeway: int) -> dict:
    try:
        return jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=list(provider.audiences),
            issuer=provider.issuer,
            leeway=leeway,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise TokenRefused(f"The token has no {exc.claim} claim.") from exc
    except PyJWTError as exc:
        reason = next((text for kind, text in _CLAIM_ERRORS if isinstance(exc, kind)), None)
        raise TokenRefused(reason or "The token is invalid.") from exc


def _check_authorized_party(claims: dict, provider: Provider) -> None:
    """OIDC Core 3.1.3.7: with several audiences, or authorized parties configured, the
    token's ``azp`` must be present and one of them (the audiences by default)."""
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    allowed = provider.authorized_parties or provider.audiences
    azp = claims.get("azp")
    if azp is None and (len(audiences) > 1 or provider.authorized_parties):
        raise TokenRefused("The token names no authorized party (azp).")
    if azp is not None and azp not in allowed:
        raise TokenRefused("The token's authorized party (azp) is not this application.")


def _check_subject_and_email(claims: dict) -> None:
    subject, email = claims.get("sub"), claims.get("email")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise TokenRefused("The token's subject (sub) is missing or too long.")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise TokenRefused("The token carries no email address.")
    if claims.get("email_verified") not in (True, "true"):
        raise TokenRefused("The provider has not verified the token's email address.")
