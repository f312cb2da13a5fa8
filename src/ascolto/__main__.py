from ascolto.cli.main import run

run()
