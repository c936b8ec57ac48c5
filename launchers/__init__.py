"""Entry scripts of the PyInstaller build (build.spec); see clerkdesk_admin.py."""
