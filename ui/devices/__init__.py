"""The devices in the window: the bridge that runs them off the UI thread, the signature pad,
the status bar lights and the per-terminal device settings."""
