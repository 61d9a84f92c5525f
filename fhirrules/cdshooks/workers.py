"""``fhirrules serve --workers N``: N uvicorn processes, each with its own listening socket.

Why not uvicorn's own ``workers=N``: there every worker accepts from one shared socket,
and asyncio accepts greedily (every pending connection per wake-up). Because evaluation
runs off the event loop, a busy worker keeps accepting, so a client's keep-alive
connections often all land on one worker while the other idles (measured with the
service benchmark, 8 clients, 2 workers: 36 requests/s when skewed, 67 when spread). With
``SO_REUSEPORT`` each worker listens on its own socket and the kernel spreads new
connections over the listening ones; a worker joins only once its knowledge is loaded
(the socket starts listening after the app is built).

The supervisor (this process) starts the workers, stops them all on SIGINT/SIGTERM, and
stops the rest when one dies (e.g. knowledge that cannot load): no half-working service.
Where ``SO_REUSEPORT`` does not exist, uvicorn's shared-socket workers are used."""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
import time

APP = "fhirrules.cdshooks.factory:app_from_environment"


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound (not yet listening) TCP socket that shares ``port`` with its siblings."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    import uvicorn
    sock = listening_socket(host, port)
    config = uvicorn.Config(APP, factory=True, log_level=log_level)
    uvicorn.Server(config).run(sockets=[sock])


def serve(host: str, port: int, workers: int, log_level: str = "info") -> int:
    """Run the service; returns the exit code (0 after a requested stop)."""
    import uvicorn
    if workers <= 1:
        uvicorn.run(APP, factory=True, host=host, port=port, log_level=log_level)
        return 0
    if not reuse_port_supported():
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, log_level=log_level)
        return 0
    # the port must be free and ours: fail here, in one line, rather than in N workers
    listening_socket(host, port).close()
    ctx = multiprocessing.get_context("spawn")    # a clean interpreter per worker
    procs = [ctx.Process(target=_worker, args=(host, port, log_level), name=f"fhirrules-worker-{i + 1}")
             for i in range(workers)]
    stopping = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for p in procs:
            p.start()
        print(f"fhirrules serve: {workers} worker processes on http://{host}:{port} "
              f"(SO_REUSEPORT, one listening socket each)", file=sys.stderr, flush=True)
        code = 0
        while not stopping:
            multiprocessing.connection.wait([p.sentinel for p in procs], timeout=0.5)
            dead = [p for p in procs if p.exitcode is not None]
            if dead and not stopping:
                print(f"fhirrules serve: worker {dead[0].name} exited with code {dead[0].exitcode}; "
                      "stopping the others", file=sys.stderr, flush=True)
                code = 2
                break
        return code
    finally:
        _stop_all(procs)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop_all(procs: list, grace: float = 15.0) -> None:
    # Ctrl-C reaches the whole process group: give the workers a moment to stop by
    # themselves (a second signal would make uvicorn skip its graceful shutdown)
    deadline = time.monotonic() + 2.0
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in procs:
        if p.is_alive():
            p.terminate()               # SIGTERM: uvicorn finishes in-flight requests
    deadline = time.monotonic() + grace
    for p in procs:
        p.join(max(0.1, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1)
