"""A pair's life after approval: introduction, first meeting, follow-ups, the end; and what keeps it from rotting."""
