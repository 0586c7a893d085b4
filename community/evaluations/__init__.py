"""民事民评: those a project served judge it; 不满意 at the threshold sends it back to 整改."""

from . import todos  # noqa: F401 - the to-do section
