"""Building blocks the services share: a table a service owns, the hosting that serves its
routes (`Server`), and a subscription to another service's event."""
