"""A PostgreSQL cluster of a test's own (Debian's binaries, run as ``postgres``), in a
temporary directory, stopped and started on one port: never the shared server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.servers import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
CAN_RUN_POSTGRES = (PG_BIN / "initdb").exists() and os.geteuid() == 0 and Path(RUNUSER).exists()
CANNOT_RUN_POSTGRES = "needs Debian's PostgreSQL 15 binaries and root (to run them as postgres)"


class OwnPostgres:
    """A PostgreSQL cluster in a temporary directory, stopped and started on one port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="jobhub-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")

    def _as_postgres(self, *command, check: bool = True) -> None:
        subprocess.run(
            [RUNUSER, "-u", "postgres", "--", *map(str, command)],
            check=check,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.dir / "server.log"
        self._as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start"
        )

    def stop(self) -> None:
        # Fast shutdown: open connections are cut, as in a restart or a failover.
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self._as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.dir, ignore_errors=True)
