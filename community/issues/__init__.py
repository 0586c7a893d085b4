"""民事民提: residents raise issues from every channel; workers triage them; online comments."""

from . import todos  # noqa: F401 - the to-do section
