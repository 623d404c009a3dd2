"""The torc MCP server, which lets AI assistants inspect and drive workflows."""

__version__ = "0.1.0"
