"""Stand-ins for backends that cannot run here (the OPNsense REST API)."""
