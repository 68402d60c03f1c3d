"""What every service is built from: its item, the adapter of its own table, its rules and its outbox relay.

A service's folder keeps what is its own (its routes, the events it publishes, what it consumes)
and configures these with it.
"""
