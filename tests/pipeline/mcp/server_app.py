"""A real MCP server for the tests, written with the official SDK.

Run: ``python server_app.py stdio`` or ``python server_app.py http PORT`` (Streamable HTTP on 127.0.0.1,
path ``/mcp``) or ``python server_app.py sse PORT`` (the older HTTP+SSE transport, path ``/sse``).
"""

from __future__ import annotations

import base64
import os
import sys
from typing import Annotated

import anyio
from mcp.server.mcpserver import Elicit, ElicitationResult, MCPServer, Resolve
from mcp.types import EmbeddedResource, ImageContent, TextContent, TextResourceContents
from pydantic import BaseModel

# A 1x1 red PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

server = MCPServer("test-server", instructions="A weather and booking server for tests.")


@server.tool()
def weather(city: str) -> str:
    """Get the weather in a city."""
    return f"It is 18 degrees and sunny in {city}."


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def chart(city: str) -> list[TextContent | ImageContent | EmbeddedResource]:
    """A weather chart: a caption, an image and the raw data as an embedded resource."""
    return [
        TextContent(type="text", text=f"Chart for {city}"),
        ImageContent(type="image", data=base64.b64encode(PIXEL).decode(), mime_type="image/png"),
        EmbeddedResource(
            type="resource",
            resource=TextResourceContents(
                uri=f"data://{city}.csv", mime_type="text/csv", text="hour,temp\n9,18"
            ),
        ),
    ]


@server.tool()
def fail(reason: str) -> str:
    """Always fails (the server answers isError)."""
    raise ValueError(f"cannot do it: {reason}")


@server.tool()
async def hang() -> str:
    """Never answers."""
    await anyio.sleep_forever()
    return "unreachable"


@server.tool()
async def slow(seconds: float) -> str:
    """Answers after ``seconds``."""
    await anyio.sleep(seconds)
    return "done"


@server.tool()
def crash() -> str:
    """Ends the server process at once."""
    os._exit(3)


@server.tool()
def pid() -> int:
    """The server's process id."""
    return os.getpid()


class Booking(BaseModel):
    confirm: bool
    seats: int = 2


def ask_booking(restaurant: str) -> Elicit[Booking]:
    return Elicit(f"Book a table at {restaurant}?", Booking)


@server.tool()
def book_table(restaurant: str, answer: Annotated[ElicitationResult[Booking], Resolve(ask_booking)]) -> str:
    """Book a table, asking the user to confirm first."""
    if answer.action == "accept" and answer.data.confirm:
        return f"Booked {answer.data.seats} seats at {restaurant}."
    return f"No booking ({answer.action})."


@server.resource("notes://today", mime_type="text/plain", description="Today's notes")
def notes() -> str:
    return "Buy milk."


@server.prompt()
def review_code(code: str) -> str:
    """Ask for a code review."""
    return f"Please review this code:\n{code}"


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "stdio":
        server.run("stdio")
    elif mode == "http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("sse", host="127.0.0.1", port=int(sys.argv[2]))
