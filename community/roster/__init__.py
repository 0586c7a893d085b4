"""The resident roster: import residents and households from CSV or XLSX, print login slips."""
