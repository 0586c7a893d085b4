"""民事民办: projects carried out with residents' contributions and public funds."""
