"""A stdio MCP server that breaks the protocol on purpose: its ``tools/call`` result has no content list.

Written by hand (newline-delimited JSON-RPC) because the SDK's own server cannot send a malformed result.
"""

from __future__ import annotations

import json
import sys

TOOLS = [{"name": "broken", "description": "Answers malformed results.", "inputSchema": {"type": "object"}}]


def answer(request: dict[str, object]) -> dict[str, object]:
    method = request.get("method")
    if method == "initialize":
        result: object = {
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "malformed", "version": "1"},
        }
    elif method == "tools/list":
        result = {"tools": TOOLS}
    elif method == "tools/call":
        result = {"content": "this should be a list"}
    else:
        return {
            "jsonrpc": "2.0",
            "id": request["id"],
            "error": {"code": -32601, "message": "Method not found"},
        }
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


for line in sys.stdin:
    message = json.loads(line)
    if "id" in message and "method" in message:
        sys.stdout.write(json.dumps(answer(message)) + "\n")
        sys.stdout.flush()
