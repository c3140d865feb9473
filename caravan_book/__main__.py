from caravan_book.cli import run

run()
