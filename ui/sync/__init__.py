"""The platform link on screen: status bar light, sync now, the needs-attention list."""
