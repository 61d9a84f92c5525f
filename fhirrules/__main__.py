from fhirrules.cli.main import main

main()
