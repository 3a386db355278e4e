"""A small load balancer for the two-server test: one public address in front of several app
servers, each browser pinned to one of them by a cookie (sticky sessions), HTTP and websockets
passed through unchanged. Real proxies (nginx, a cloud load balancer) do the same job in production."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator, Mapping

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

STICKY_COOKIE = "roi_server"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "content-encoding"}


def _balancer(backends: Mapping[str, str]) -> Starlette:
    first = next(iter(backends))

    def backend(cookies: Mapping[str, str]) -> str:
        return backends.get(cookies.get(STICKY_COOKIE, first), backends[first])

    async def forward(request: Request) -> Response:
        target = backend(request.cookies) + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}]
        async with httpx.AsyncClient(follow_redirects=False, timeout=60) as client:
            answer = await client.request(request.method, target, headers=headers, content=await request.body())
        response = Response(answer.content, status_code=answer.status_code)
        response.raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in answer.headers.multi_items()
            if k.lower() not in HOP_BY_HOP
        ] + [(b"content-length", str(len(answer.content)).encode())]
        return response

    async def stream(socket: WebSocket) -> None:
        target = backend(socket.cookies).replace("http://", "ws://") + socket.url.path
        wanted = [p.strip() for p in socket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        cookie = {"Cookie": socket.headers["cookie"]} if "cookie" in socket.headers else {}
        async with websockets.connect(
            target,
            subprotocols=wanted or None,
            additional_headers=cookie,
            origin=socket.headers.get("origin"),
            max_size=None,
        ) as upstream:
            await socket.accept(subprotocol=upstream.subprotocol)

            async def down() -> None:
                async for message in upstream:
                    if isinstance(message, bytes):
                        await socket.send_bytes(message)
                    else:
                        await socket.send_text(message)

            async def up() -> None:
                try:
                    while True:
                        message = await socket.receive()
                        if message["type"] == "websocket.disconnect":
                            return
                        await upstream.send(message.get("bytes") or message.get("text") or b"")
                except WebSocketDisconnect:
                    return

            tasks = [asyncio.create_task(down()), asyncio.create_task(up())]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()

    methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(
        routes=[
            WebSocketRoute("/_stcore/stream", stream),
            Route("/{path:path}", forward, methods=methods),
        ]
    )


@contextlib.contextmanager
def balancer(port: int, backends: Mapping[str, str]) -> Iterator[str]:
    """Run the balancer on localhost:port in a thread; yields its public address."""
    server = uvicorn.Server(uvicorn.Config(_balancer(backends), host="localhost", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test load balancer did not start")
        time.sleep(0.05)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
