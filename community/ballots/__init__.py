"""民事民决: ballots under the legal decision rules, every channel counted once."""
