"""Further ``photonics-kg`` commands, one module per feature.

Every module here defines its click commands and a ``register(group)`` function; ``photonics_kg.cli``
imports them all, so a feature adds its commands without editing the core command module.
"""
