"""ClerkDesk core: domain, rules, storage and use cases. Imports no Qt and no HTTP."""
