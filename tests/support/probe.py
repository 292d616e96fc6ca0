"""A blueprint of routes that fail on purpose, to test the error envelope end to end."""

from __future__ import annotations

import marshmallow as ma
from flask import Flask, request
from flask_smorest import Blueprint

from jobhub import errors
from jobhub.extensions import api, limiter
from jobhub.security import auth_required, current_user

ERROR_CLASSES = {
    cls.__name__: cls
    for cls in (
        errors.BadRequest,
        errors.ValidationError,
        errors.Unauthorized,
        errors.TokenExpired,
        errors.TokenRevoked,
        errors.Forbidden,
        errors.AccountDisabled,
        errors.NotFound,
        errors.Conflict,
        errors.Duplicate,
        errors.InvalidTransition,
        errors.PayloadTooLarge,
        errors.UnsupportedMediaType,
        errors.RateLimited,
        errors.ServiceUnavailable,
    )
}


class EchoSchema(ma.Schema):
    email = ma.fields.Email(required=True)


def register_probe(app: Flask) -> None:
    blp = Blueprint("probe", __name__)

    @blp.route("/raise/<name>")
    def raise_error(name: str):
        raise ERROR_CLASSES[name]()

    @blp.route("/crash")
    def crash():
        raise RuntimeError("secret internals: SELECT password_hash FROM users")

    @blp.route("/echo", methods=["POST"])
    @blp.arguments(EchoSchema)
    def echo(payload):
        return payload

    @blp.route("/body", methods=["POST"])
    def body():
        return {"size": len(request.get_data())}

    @blp.route("/limited")
    @limiter.limit("2 per minute")
    def limited():
        return {"ok": True}

    @blp.route("/private")
    @auth_required()
    def private():
        return {"id": current_user.id}

    @blp.route("/admins")
    @auth_required("admin")
    def admins_only():
        return {"id": current_user.id}

    api.register_blueprint(blp, url_prefix="/api/v1/probe")
