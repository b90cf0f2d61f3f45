from mockfuse.cli import main

raise SystemExit(main())
