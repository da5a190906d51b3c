"""A small MCP server, written with the official MCP SDK, for the MCP examples.

Tools: ``get_weather`` (text), ``weather_chart`` (text and an image) and ``book_table`` (asks the user
to confirm through elicitation). Run it over stdio (what ``mcp_tools.py`` does) or over Streamable HTTP:
python examples/mcp_server.py --http 8000   (then the endpoint is http://127.0.0.1:8000/mcp)
Needs the ``mcp`` extra: pip install -e ".[mcp]"
"""

from __future__ import annotations

import sys
from typing import Annotated

from mcp.server.mcpserver import Elicit, ElicitationResult, MCPServer, Resolve
from mcp.types import ImageContent, TextContent
from pydantic import BaseModel, Field

__all__ = ["Booking", "ask_to_confirm", "book_table", "get_weather", "server", "weather_chart"]

CHART_PNG = (  # a 1x1 PNG standing in for a rendered chart
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

server = MCPServer("weather-and-tables")


@server.tool()
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"{city}: 72°F and sunny."


@server.tool()
def weather_chart(city: str) -> list[TextContent | ImageContent]:
    """A chart of today's temperatures in a city."""
    return [
        TextContent(type="text", text=f"Temperatures in {city} today"),
        ImageContent(type="image", data=CHART_PNG, mime_type="image/png"),
    ]


class Booking(BaseModel):
    confirm: bool = Field(description="Book the table?")
    seats: int = Field(default=2, description="How many seats")


def ask_to_confirm(restaurant: str) -> Elicit[Booking]:
    return Elicit(f"Book a table at {restaurant}?", Booking)


@server.tool()
def book_table(
    restaurant: str, answer: Annotated[ElicitationResult[Booking], Resolve(ask_to_confirm)]
) -> str:
    """Book a table at a restaurant (the user is asked to confirm)."""
    if answer.action == "accept" and answer.data.confirm:
        return f"Booked a table for {answer.data.seats} at {restaurant}."
    return f"Not booked: the user chose {answer.action}."


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")
