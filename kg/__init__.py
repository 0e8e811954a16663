"""cyl-kg: Communist Youth League work plans as a knowledge graph."""

__version__ = "0.1.0"
