"""Settings: one declared set of keys, defaults, and the environment-variable overrides."""

from config.settings import SETTINGS, Setting, load_settings

__all__ = ["SETTINGS", "Setting", "load_settings"]
