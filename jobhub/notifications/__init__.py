"""Notifications: the one notify() service, REST endpoints and live delivery over socket.io."""
