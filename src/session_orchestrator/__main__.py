from session_orchestrator.cli import main

main()
