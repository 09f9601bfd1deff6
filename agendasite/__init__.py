"""agendasite: a static-site generator for published meeting agendas."""

__version__ = "0.1.0"
