"""What the knowledge base is: files read strictly, the schemas, the fact types, the model and the
briefing prose dialect. Everything else stands on this layer; it imports nothing above it."""
