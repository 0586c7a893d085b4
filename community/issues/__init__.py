"""民事民提: residents raise issues from every channel; workers triage them; online comments."""
