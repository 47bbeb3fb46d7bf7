"""Coalition proposals: from a workshop's groups or notes to a registry with members."""
