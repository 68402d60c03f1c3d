"""Building blocks the services share: what every service is made of (`OwnedService`), the table
a service owns, the hosting that serves its routes (`Server`), its outbox relay, and a
subscription to another service's event."""
