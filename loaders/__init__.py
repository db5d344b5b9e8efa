"""Loaders: one module per kind of source, registered by name (photonics_kg.loaders)."""
