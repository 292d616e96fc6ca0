"""REST endpoints of SPEC §6: the caller's own notifications and channel preferences.

Importing this module also registers the socket.io handlers and the signal receivers
(before ``socketio.init_app``, STACK-NOTES trap 4).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.notifications import receivers, services, sockets  # noqa: F401  (registration)
from jobhub.notifications.schemas import (
    BulkDeleteResultSchema,
    BulkDeleteSchema,
    NotificationListArgs,
    NotificationSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    ReadAllResultSchema,
    UnreadCountSchema,
)
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint(
    "notifications",
    __name__,
    description="Your notifications and how you receive them (live over socket.io too).",
)


@blp.route("")
@auth_required()
@blp.arguments(NotificationListArgs, location="query", as_kwargs=True)
@blp.response(200, NotificationSchema(many=True))
@blp.paginate(**PAGINATION)
def list_notifications(pagination_parameters: Any, **filters: Any) -> list:
    """Your notifications, newest first; filter by `unread` and `type`."""
    query = services.list_notifications(user=current_user, **filters)
    return paginated(query, pagination_parameters)


@blp.route("/unread-count")
@auth_required()
@blp.response(200, UnreadCountSchema)
def unread_count() -> dict:
    """How many of your notifications are unread."""
    return {"count": services.unread_count(user=current_user)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@auth_required()
@blp.response(200, NotificationSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def mark_read(notification_id: int) -> Any:
    """Mark one notification read."""
    return services.mark_read(user=current_user, notification_id=notification_id)


@blp.route("/<int:notification_id>/unread", methods=["POST"])
@auth_required()
@blp.response(200, NotificationSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def mark_unread(notification_id: int) -> Any:
    """Mark one notification unread again."""
    return services.mark_unread(user=current_user, notification_id=notification_id)


@blp.route("/read-all", methods=["POST"])
@auth_required()
@blp.response(200, ReadAllResultSchema)
def read_all() -> dict:
    """Mark all your notifications read."""
    return {"updated": services.mark_all_read(user=current_user)}


@blp.route("/<int:notification_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def delete(notification_id: int) -> None:
    """Delete one notification."""
    services.delete_notification(user=current_user, notification_id=notification_id)


@blp.route("/bulk-delete", methods=["POST"])
@auth_required()
@blp.arguments(BulkDeleteSchema)
@blp.response(200, BulkDeleteResultSchema)
def bulk_delete(payload: dict) -> dict:
    """Delete several of your notifications; ids that are not yours are ignored."""
    return {"deleted": services.delete_notifications(user=current_user, ids=payload["ids"])}


@blp.route("/preferences")
@auth_required()
@blp.response(200, PreferencesSchema)
def get_preferences() -> dict:
    """Your channels (in-app, email) for every notification type."""
    return services.get_preferences(user=current_user)


@blp.route("/preferences", methods=["PUT"])
@auth_required()
@blp.arguments(PreferencesUpdateSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(changes: dict) -> dict:
    """Change the channels of the types named (others keep theirs); returns them all."""
    return services.update_preferences(user=current_user, changes=changes)
