"""A signed-in user's own account: the second factor (TOTP) and recovery codes."""
