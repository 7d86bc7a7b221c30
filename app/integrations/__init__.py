"""reportqa for other tools: an MCP server and LangChain components over the same answer pipeline."""
