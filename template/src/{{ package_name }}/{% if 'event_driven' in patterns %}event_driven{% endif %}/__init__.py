"""Event-driven: events on the shared bus, routed by rules to a queue, consumed idempotently."""
