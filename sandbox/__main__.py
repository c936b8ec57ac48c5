"""`python -m sandbox …` — the same as the clerkdesk-sandbox script."""

from sandbox.cli import main

if __name__ == "__main__":
    main()
