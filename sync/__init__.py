"""The platform client (DESIGN.md §3, §6): contract models, HTTP client, outbox pusher,
pullers and the scheduler thread. Imports app/, never ui/.

Empty until the sync issue: the core already writes every outbox event this package
will push, and the status bar already shows them queued.
"""
