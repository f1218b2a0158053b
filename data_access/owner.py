"""The process that holds an embedded DuckDB file runs the other processes' commands on it (decision 0010).

DuckDB lets one process open a file read-write, and locks every other process out, read-only opens included; inside
that process a long write transaction does not block reads on other connections, which keep seeing the last
committed data. So the long-lived process that opened the file (the app) listens on a Unix socket beside it, and
`cli.py`, before opening the file itself, hands its command to that process when one answers; the command runs
there against the same file, printing back to the caller through the socket, and the caller exits with its code.

The socket's file is readable and writable by its owner only, and the server also checks the peer's user id, so
only the same OS user can send commands (that user can open the database file anyway). Never a TCP port.

Protocol: the client sends one length-prefixed JSON request ({argv, cwd, user, file}); the server answers with
frames (kind byte, 4-byte length, payload): b"o" text for stdout, b"e" text for stderr, b"x" the exit code, last.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import itertools
import json
import os
import socket
import stat
import struct
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from data_access import identity

SUFFIX = ".sock"
MAX_SOCKET_PATH = 107  # bytes of a Unix socket path (sun_path is 108 with the closing NUL)
TEMPORARY_ROOM = 15  # bytes the temporary name a socket is bound under adds: ".<pid>.<n>", at most 7 and 6 digits
HEADER = struct.Struct(">cI")  # a frame: kind, payload length
LENGTH = struct.Struct(">I")
MAX_REQUEST = 1 << 20
REQUEST_SECONDS = 30  # a client sends its request at once; one that does not is dropped, not waited for

# A command (cli.run_forwarded): request, database URL of the served file, stdout, stderr -> exit code
Handler = Callable[[dict[str, Any], str, TextIO, TextIO], int]


def socket_path(file: str | os.PathLike[str]) -> Path:
    """Where the owner of an embedded file listens: beside it, or (for a path too long for a socket) in a private
    folder of this user's, named by a digest of the file's path. Client and server compute the same."""
    real = Path(os.path.realpath(file))
    beside = real.with_name(real.name + SUFFIX)
    if len(os.fsencode(beside)) + TEMPORARY_ROOM <= MAX_SOCKET_PATH:  # its temporary name must fit as well
        return beside
    digest = hashlib.sha256(os.fsencode(real)).hexdigest()[:24]
    return Path(tempfile.gettempdir()) / f"cx-insight-{os.getuid()}" / f"{digest}{SUFFIX}"


_binds = itertools.count()  # numbers the temporary names within this process


def _private_folder(path: Path) -> None:
    """The fallback folder: made 0700, and refused if it is a link or someone else's."""
    if path.parent.name != f"cx-insight-{os.getuid()}":
        return
    path.parent.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(path.parent)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{path.parent} is not a private folder of this user")


# ---------------------------------------------------------------------------------------------------------- client

def _connect(path: Path) -> socket.socket | None:
    """A connection to a live owner, or None; a socket file nobody listens on (left by a kill -9) is removed."""
    try:
        before = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISSOCK(before.st_mode) or before.st_uid != os.getuid():
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
    except (ConnectionRefusedError, FileNotFoundError):
        client.close()
        try:
            if os.lstat(path).st_ino == before.st_ino:  # still the dead one, not a server that just started
                path.unlink()
        except FileNotFoundError:
            pass
        return None
    except OSError:
        client.close()
        return None
    return client


def owner_answers(file: str | os.PathLike[str]) -> bool:
    """Whether a live process serves commands for this file."""
    client = _connect(socket_path(file))
    if client is None:
        return False
    client.close()
    return True


def forward(file: str | os.PathLike[str], argv: list[str], out: TextIO, err: TextIO) -> int | None:
    """Run a CLI command in the process that owns the file, printing what it prints; its exit code, or None when no
    process owns the file (or this process does), so the caller opens it itself."""
    if serving(file):
        return None
    client = _connect(socket_path(file))
    if client is None:
        return None
    with client:
        request = {"argv": list(argv), "cwd": os.getcwd(), "user": identity.os_user(), "file": os.path.realpath(file)}
        body = json.dumps(request).encode()
        client.sendall(LENGTH.pack(len(body)) + body)
        reader = client.makefile("rb")
        while True:
            header = reader.read(HEADER.size)
            if len(header) < HEADER.size:
                print("error: the app's process stopped before the command ended (an import not finished by then "
                      "was not stored); run the command again.", file=err)
                return 1
            kind, size = HEADER.unpack(header)
            payload = reader.read(size)
            if kind == b"x":
                return int(payload)
            stream = out if kind == b"o" else err
            stream.write(payload.decode("utf-8", "replace"))
            stream.flush()


def forward_command(url: str, argv: list[str], out: TextIO, err: TextIO) -> int | None:
    """forward() for the database a URL names; None (run it here) for anything but an embedded DuckDB file."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None  # the command itself reports a URL it cannot use
    if parsed.get_backend_name() != "duckdb" or parsed.database in (None, "", ":memory:"):
        return None
    return forward(parsed.database, argv, out, err)


# ---------------------------------------------------------------------------------------------------------- server

class _Frames:
    """A text stream (the part of TextIO that print uses) that sends each write to the client as one frame."""

    def __init__(self, sock: socket.socket, kind: bytes, lock: threading.Lock) -> None:
        self._sock, self._kind, self._lock = sock, kind, lock

    def write(self, text: str) -> int:
        if text:
            data = text.encode("utf-8")
            with self._lock:
                self._sock.sendall(HEADER.pack(self._kind, len(data)) + data)
        return len(text)

    def flush(self) -> None:
        """Every write is sent at once."""

    def isatty(self) -> bool:
        return False


class Owner:
    """The server of one file: accepts commands on its socket and runs them one at a time on a thread each."""

    def __init__(self, engine: Engine, file: str, handler: Handler, read_memory_limit: str | None) -> None:
        self.engine, self.file, self.handler = engine, os.path.realpath(file), handler
        self.read_memory_limit = read_memory_limit
        self.path = socket_path(self.file)
        # the commands open the file by the very URL the app's engine did: DuckDB shares one database instance per
        # path within a process, and another spelling of the path (a link) could open a second instance of the file
        self.url = engine.url.render_as_string(hide_password=False)
        self._one_at_a_time = threading.Lock()
        self._listener: socket.socket | None = None
        self._inode: int | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Listen, unless another live process already serves this file. The socket appears whole (bound, 0600,
        listening) by a rename, so a client never finds it half made and takes it for a stale one."""
        _private_folder(self.path)
        if owner_answers(self.file):
            return False
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid() % 10**7}.{next(_binds) % 10**6}")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            temporary.unlink(missing_ok=True)
            listener.bind(str(temporary))
            os.chmod(temporary, 0o600)
            listener.listen(8)
            os.replace(temporary, self.path)
        except OSError:
            listener.close()
            temporary.unlink(missing_ok=True)
            raise
        self._listener, self._inode = listener, os.lstat(self.path).st_ino
        self._thread = threading.Thread(target=self._accept, name=f"cx-owner {self.path.name}", daemon=True)
        self._thread.start()
        return True

    def close(self) -> None:
        """Stop listening and remove the socket file, if it is still this server's."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:
            if os.lstat(self.path).st_ino == self._inode:
                self.path.unlink()
        except FileNotFoundError:
            pass
        with suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (closing alone does not, on Linux)
        listener.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            # ended before the interpreter is torn down: a daemon thread frozen mid-way would keep DuckDB's objects
            self._thread.join(timeout=5)

    def _accept(self) -> None:
        while (listener := self._listener) is not None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), name="cx-owner command", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
            if uid != os.getuid():
                return  # the socket's mode already keeps other users out; this is the second lock
            try:
                conn.settimeout(REQUEST_SECONDS)
                request = self._request(conn)
                conn.settimeout(None)
            except (OSError, ValueError, struct.error):
                return  # a probe (owner_answers), or not a client of ours
            lock = threading.Lock()
            out, err = cast(TextIO, _Frames(conn, b"o", lock)), cast(TextIO, _Frames(conn, b"e", lock))
            try:
                code = int(self._run(request, out, err) or 0)
                with lock:
                    conn.sendall(HEADER.pack(b"x", len(str(code))) + str(code).encode())
            except OSError:
                pass  # the caller went away (Ctrl-C): a command that was still printing stopped there, rolled back

    @staticmethod
    def _request(conn: socket.socket) -> dict[str, Any]:
        reader = conn.makefile("rb")
        size = LENGTH.unpack(reader.read(LENGTH.size))[0]
        if size > MAX_REQUEST:
            raise ValueError("request too large")
        request = json.loads(reader.read(size))
        if not isinstance(request, dict) or not isinstance(request.get("argv"), list):
            raise ValueError("not a request")
        return request

    def _run(self, request: dict[str, Any], out: TextIO, err: TextIO) -> int:
        if os.path.realpath(request.get("file", "")) != self.file:
            print(f"error: this process serves {self.file}, not {request.get('file')}.", file=err)
            return 2
        if not self._one_at_a_time.acquire(blocking=False):
            print("Another command is running in the app's process; this one starts when it ends.", file=err)
            self._one_at_a_time.acquire()
        try:
            with self._uncapped():
                return self.handler(request, self.url, out, err)
        except Exception:  # noqa: BLE001 - the caller gets what an uncaught error would print, and 1
            print(f"error: the command failed in the app's process:\n{traceback.format_exc()}", file=err, end="")
            return 1
        finally:
            self._one_at_a_time.release()

    @contextmanager
    def _uncapped(self) -> Iterator[None]:
        """The file stays open for the whole command, at DuckDB's default memory limit instead of the reads' cap
        (a global setting of the one database instance the app's reads share); the cap is back after it."""
        global _commands
        pin: Connection = self.engine.connect()
        try:
            with _settings_lock:
                _commands += 1
                pin.exec_driver_sql("RESET memory_limit")
                pin.commit()
            yield
        finally:
            with _settings_lock:
                _commands -= 1
                if _commands == 0 and self.read_memory_limit:
                    pin.exec_driver_sql(f"SET memory_limit = '{self.read_memory_limit}'")  # a constant, not input
                    pin.commit()
            pin.close()


_settings_lock = threading.Lock()
_commands = 0  # commands running in this process (their memory limit must not be capped under them)
_owners: dict[str, Owner] = {}
_owners_lock = threading.Lock()


def cap_reads(conn: Connection, limit: str) -> None:
    """Cap DuckDB's memory for the app's reads, unless a served command is running (it would cap that too)."""
    with _settings_lock:
        if _commands == 0:
            conn.exec_driver_sql(f"SET memory_limit = '{limit}'")  # a constant, not input


def serving(file: str | os.PathLike[str]) -> bool:
    """Whether this process serves commands for the file (then it runs them itself, without the socket)."""
    return os.path.realpath(file) in _owners


def _run_cli(request: dict[str, Any], url: str, out: TextIO, err: TextIO) -> int:
    """The command, run by the entry point's own code (cli.run_forwarded), looked up only when a command arrives:
    data_access does not depend on the entry point above it."""
    run_forwarded: Handler = importlib.import_module("cli").run_forwarded
    return run_forwarded(request, url, out, err)


def serve(engine: Engine, *, read_memory_limit: str | None = None, handler: Handler = _run_cli) -> Owner | None:
    """Serve commands for the engine's embedded file from this process (one file per process: the newest engine's);
    None when the engine is no DuckDB file, or another live process serves it already. Only for an engine that
    opened the file read-write."""
    file = engine.url.database
    if engine.dialect.name != "duckdb" or file in (None, "", ":memory:"):
        return None
    stop()
    owner = Owner(engine, file, handler, read_memory_limit)
    try:
        if not owner.start():
            return None
    except OSError as error:  # a folder this user may not write: the CLI then opens the file itself, as before
        print(f"CX Insight: commands cannot be served for {file}: {error}", file=sys.stderr)
        return None
    with _owners_lock:
        _owners[owner.file] = owner
    return owner


def stop() -> None:
    """Stop serving (the engine changed, or the process ends)."""
    with _owners_lock:
        owners = list(_owners.values())
        _owners.clear()
    for owner in owners:
        owner.close()


atexit.register(stop)
