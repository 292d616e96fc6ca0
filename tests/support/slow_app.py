"""The real app plus one route that runs a slow query, for the cooperative-I/O test."""

from sqlalchemy import text

from jobhub import create_app
from jobhub.db import db

app = create_app()


@app.get("/_test/pg-sleep/<int:seconds>")
def pg_sleep(seconds: int):
    db.session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
    return {"slept": seconds}
