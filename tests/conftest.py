"""Suite-wide settings: hypothesis runs without per-example deadlines, so a busy CI machine cannot
turn a slow example into a failure (the properties themselves are unchanged)."""

from hypothesis import settings

settings.register_profile("modelpipe", deadline=None)
settings.load_profile("modelpipe")
