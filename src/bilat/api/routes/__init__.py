"""The API's routers, one per area: ledger, claims, scenarios, meta."""
