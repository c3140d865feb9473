from caravan_book.cli import main

raise SystemExit(main())
