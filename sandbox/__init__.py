"""The sandbox platform: a runnable reimplementation of the province platform's side of the
contract (sync/contract/) for the demo, for training new clerks and for the tests.

FastAPI on uvicorn, its own SQLite store (a file in --data-dir), a simulated back office, and
switches that inject faults. Shares only sync.contract with the client; never imported by
app/, ui/, sync/ or printing/.

    clerkdesk-sandbox --port 0 --data-dir DIR   # prints "SANDBOX_URL http://127.0.0.1:PORT"
"""
