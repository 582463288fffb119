"""What every benchmark needs: scratch databases, gunicorn, wrk, an HTTP client, tables.

Nothing here talks to anything but this machine: servers bind 127.0.0.1, the
PostgreSQL server must be on the loopback interface, and every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment's bin/ (make bench runs .venv)
LOOPBACK = "127.0.0.1"
#: The PostgreSQL server where the benchmarks create (and drop) their own database.
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
#: Login and API rate limits of the servers under test: high enough never to be reached.
UNLIMITED = "1000000 per minute"
USER_AGENT = "escales-bench"  # the same for every client: Flask-Login ties sessions to it


class BenchError(RuntimeError):
    """A benchmark could not run (a server did not start, a tool is missing ...)."""


# --- Tables ------------------------------------------------------------------------------------


def print_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()
) -> None:
    """Print a plain-text table (first column left-aligned, the others right-aligned)."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max([len(header), *(len(row[i]) for row in cells)]) for i, header in enumerate(headers)
    ]

    def line(values: Sequence[str]) -> str:
        first, *rest = values
        parts = [first.ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(rest, widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    print()
    print(title)
    print("=" * len(title))
    print(line(list(headers)))
    print(line(["-" * w for w in widths]))
    for row in cells:
        print(line(row))
    for note in notes:
        print(f"  {note}")
    sys.stdout.flush()


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def say(message: str) -> None:
    """A progress line (to stderr, so that stdout holds only the tables)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- Databases ---------------------------------------------------------------------------------


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise BenchError(f"benchmarks only use a database on this machine, not {host!r}")


@contextmanager
def scratch_database(engine: str, name: str = "escales_bench") -> Iterator[str]:
    """A new, empty database; yields its URL and removes it afterwards.

    `engine` is "sqlite" (a file in a temporary folder) or "postgresql" (database
    `name`, created on POSTGRES_ADMIN_URL, dropped first if a previous run left it).
    """
    if engine == "sqlite":
        folder = tempfile.mkdtemp(prefix="escales-bench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if engine != "postgresql":
        raise BenchError(f"unknown database engine {engine!r}")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"invalid database name {name!r}")
    _require_loopback(POSTGRES_ADMIN_URL)
    import psycopg

    def admin(statement: str) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)

    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(f"CREATE DATABASE {name}")
    url = urlsplit(POSTGRES_ADMIN_URL)._replace(path=f"/{name}").geturl()
    try:
        yield url
    finally:
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def engine_name(url: str) -> str:
    """ "sqlite" or "postgresql" for a database URL."""
    return "sqlite" if url.startswith("sqlite") else "postgresql"


# --- The application's environment, CLI and server ---------------------------------------------


def app_environment(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of the production server (and of its CLI) for a benchmark."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        ESCALES_ENV="production",
        SECRET_KEY="bench",
        SESSION_COOKIE_SECURE="false",  # plain HTTP on 127.0.0.1
        DATABASE_URL=database_url,
        CONTENT_DIR=str(ROOT / "content"),
        INSTANCE_PATH=str(instance),
        UPLOAD_DIR=str(instance / "uploads"),
        LOGIN_RATE_LIMIT=UNLIMITED,
        API_RATE_LIMIT=UNLIMITED,
    )
    env.update(extra)
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    """Run `flask --app lms <args>`; returns its output, raises BenchError when it fails."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "lms", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def migrate_and_load(env: dict[str, str]) -> list[str]:
    """`flask db upgrade` then `flask content load` on the environment's database.

    When the migrations are behind the models (tables or columns missing after the
    upgrade), the schema is created from the models instead, and the gaps are
    returned so that the report can say so; otherwise returns an empty list.
    """
    flask_cli(env, "db", "upgrade")
    gaps = schema_gaps(env["DATABASE_URL"])
    if gaps:
        say(
            f"the migrations are behind the models ({', '.join(gaps[:5])}...): "
            "creating the schema from the models instead"
        )
        recreate_from_models(env["DATABASE_URL"])
    flask_cli(env, "content", "load")
    return gaps


def schema_gaps(database_url: str) -> list[str]:
    """The model tables and columns missing from the database."""
    from sqlalchemy import create_engine, inspect

    import lms.models  # noqa: F401  (every model registers its table)
    from lms.models.base import Base

    engine = create_engine(database_url)
    try:
        inspector = inspect(engine)
        existing = set(inspector.get_table_names())
        gaps = []
        for table in Base.metadata.sorted_tables:
            if table.name not in existing:
                gaps.append(f"table {table.name}")
                continue
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            gaps += [
                f"column {table.name}.{c.name}" for c in table.columns if c.name not in columns
            ]
        return gaps
    finally:
        engine.dispose()


def recreate_from_models(database_url: str) -> None:
    """Drop every table of the (scratch) database and create the models' schema."""
    from sqlalchemy import MetaData, create_engine

    import lms.models  # noqa: F401
    from lms.models.base import Base

    engine = create_engine(database_url)
    try:
        existing = MetaData()
        existing.reflect(engine)
        existing.drop_all(engine)
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn: its base URL and its error log."""

    base_url: str
    log: Path

    @property
    def port(self) -> int:
        return int(urlsplit(self.base_url).port or 80)

    def tracebacks(self) -> int:
        """How many tracebacks the server logged (each is an unhandled error)."""
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")


@contextmanager
def gunicorn(
    app_spec: str,
    env: dict[str, str],
    *,
    workers: int = 2,
    ready_path: str = "/",
    timeout: int = 60,
) -> Iterator[Server]:
    """Serve `app_spec` with gunicorn (sync workers) on a free port of 127.0.0.1.

    Waits (at most `timeout` seconds) until `ready_path` answers; stops the server
    (the master it started, which stops its workers) when the block ends. The
    server's log is removed then, unless it holds a traceback.
    """
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="escales-gunicorn-", suffix=".log")[1])
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"{LOOPBACK}:{port}",
        "--error-logfile",
        str(log),
        app_spec,
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = Server(f"http://{LOOPBACK}:{port}", log)
    try:
        _wait_until_ready(process, server, ready_path, timeout)
        yield server
    finally:
        _stop(process)
        if not server.tracebacks():
            log.unlink()  # kept only when it holds an error to read


def _wait_until_ready(
    process: subprocess.Popen[bytes], server: Server, path: str, timeout: int
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited:\n{server.log.read_text()[-3000:]}")
        try:
            if Client(server.base_url, timeout=2).get(path).status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer {path} within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the master stops its own workers gracefully
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- A small HTTP client -----------------------------------------------------------------------

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


@dataclass
class Reply:
    """An HTTP response, read whole."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """A cookie-keeping HTTP/1.1 client for 127.0.0.1 (one connection per request, no redirects)."""

    base_url: str
    timeout: float = 60.0
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise BenchError(f"benchmarks only send requests to this machine, not {parts.hostname}")
        self.host, self.port = parts.hostname, parts.port or 80

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request; cookies set by the response are kept."""
        sent = {"User-Agent": USER_AGENT, "Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, data, seconds
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict[str, str] | list[tuple[str, str]]) -> Reply:
        body = urlencode(data).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_json(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps(data).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/json", **(headers or {})}
        )

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on page `path`."""
        reply = self.get(path)
        return csrf_token_in(reply.text)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real form; raises BenchError when it is refused."""
        token = self.csrf_token("/login")
        reply = self.post_form(
            "/login", {"csrf_token": token, "email": email, "password": password}
        )
        if reply.status != 302:
            raise BenchError(f"sign-in of {email} refused ({reply.status})")


def csrf_token_in(html: str) -> str:
    """The first CSRF token of a page's forms."""
    found = CSRF_INPUT.search(html)
    if found is None:
        raise BenchError("no CSRF token on the page")
    return found.group(1) or found.group(2)


# --- wrk ---------------------------------------------------------------------------------------

WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA_TEMPLATE = Path(__file__).with_name("rotate.lua")


@dataclass(frozen=True)
class WrkRequest:
    """One request of a wrk rotation; with `body_tail`, the body gets a unique key in between."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body_head: str | None = None
    body_tail: str | None = None


@dataclass(frozen=True)
class WrkResult:
    """What wrk measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int


def run_wrk(
    base_url: str,
    requests: Sequence[WrkRequest],
    *,
    duration: float,
    threads: int,
    connections: int,
) -> WrkResult:
    """Run wrk for `duration` seconds, cycling through `requests` (a Lua script)."""
    if not Path(WRK).exists():
        raise BenchError("wrk is missing: apt-get install -y wrk")
    Client(base_url)  # refuses any host but this machine
    with tempfile.TemporaryDirectory(prefix="escales-wrk-") as folder:
        script = Path(folder) / "requests.lua"
        script.write_text(lua_script(requests), encoding="utf-8")
        command = [
            WRK,
            f"--threads={threads}",
            f"--connections={max(connections, threads)}",
            f"--duration={max(1, round(duration))}s",
            "--timeout=30s",
            "--latency",
            f"--script={script}",
            base_url,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 120, check=False
        )
    if done.returncode != 0:
        raise BenchError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def lua_script(requests: Sequence[WrkRequest]) -> str:
    """bench/rotate.lua with the requests (and a nonce for unique keys) written in."""
    entries = []
    for item in requests:
        parts = [
            f"method = {lua_string(item.method)}",
            f"path = {lua_string(item.path)}",
            "headers = {"
            + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in item.headers.items())
            + "}",
        ]
        if item.body_head is not None and item.body_tail is not None:
            parts += [
                f"body_head = {lua_string(item.body_head)}",
                f"body_tail = {lua_string(item.body_tail)}",
            ]
        entries.append("  {" + ", ".join(parts) + "},")
    template = LUA_TEMPLATE.read_text(encoding="utf-8")
    return template.replace("--@@REQUESTS@@", "\n".join(entries)).replace(
        "@@NONCE@@", secrets.token_hex(4)
    )


def lua_string(value: str) -> str:
    """A Lua string literal (byte escapes, valid in Lua 5.1 and LuaJIT)."""
    out = []
    for byte in value.encode("utf-8"):
        if 32 <= byte < 127 and chr(byte) not in '"\\':
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Read requests, duration, requests/s, p50, p99 and errors from wrk --latency output."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (total and rps and p50 and p99):
        raise BenchError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        # sync workers close every connection: wrk may count those as read errors; the
        # connect and timeout errors are the ones that mean requests were lost.
        socket_errors=int(sockets.group(1)) + int(sockets.group(4)) if sockets else 0,
    )


# --- Small statistics ----------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
