"""Use cases: one function per thing a user does, one transaction each, returning what changed."""
