"""Security tests over the whole app, generated from `app.url_map` (issue 8, item 3).

Helpers: `site.py` builds one demo site per module (seeded once per run, then copied) with a
client for every role; `demo.py` picks the demo objects that fill URLs; `routes.py` lists
every route with a URL and asks every GET once as every role; `forms.py` finds and fills the
site's POST forms; `payloads.py` holds the hostile text and the checks of pages showing it.
"""
