"""One demo site per module (read-only tests share it; writing tests call site.restore())."""

import pytest

from tests.security.site import build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo site with a kiosk device and every role logged in (see site.py)."""
    s = build_site(tmp_path_factory.mktemp("security"))
    yield s
    s.close()


@pytest.fixture
def clean(site):
    """The site with its data as seeded, put back after the test too."""
    site.restore()
    yield site
    site.restore()
