"""Bundled sample sources (SAMPLE DATA written by the maintainers; see README.md)."""
