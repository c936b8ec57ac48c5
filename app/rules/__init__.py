"""Pure rule functions: no storage, no I/O, no clock (time is always passed in)."""
