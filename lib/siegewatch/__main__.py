from siegewatch.cli import main

raise SystemExit(main())
