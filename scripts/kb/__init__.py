"""Baltic Security Briefings: the knowledge-base build code (load -> validate -> model -> render -> publish)."""

__version__ = "0.1.0"
