"""reportqa application layer: settings, question answering, CLI, API and web chat."""
