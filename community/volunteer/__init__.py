"""Volunteers' door-to-door mode: assigned buildings, households, visit log."""
