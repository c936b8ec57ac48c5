"""Routes: the contract (api) and the control switches (control)."""
