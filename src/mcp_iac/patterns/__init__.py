"""Deployment patterns: named, parameterised generators of deployments."""
