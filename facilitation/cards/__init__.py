"""Cards: TOWS strategies, roadmap items and coalition-canvas entries, sorted into slots."""
