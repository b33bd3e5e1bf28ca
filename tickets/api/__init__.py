"""The REST API (`/api/v1/`): DRF views over `tickets.selectors` (reads) and
`tickets.services` (writes). Nothing here changes a ticket except by calling a service."""
