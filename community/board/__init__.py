"""居务公开栏: the public notice board of a unit, its print layout, feed and objections."""
