from community import create_app
app = create_app()
