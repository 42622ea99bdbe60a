"""Tortoise ORM config of the example app (SQLite next to this file's project root).

Set EXAMPLE_DB_URL to run the example on another database, e.g.
postgres://postgres@127.0.0.1:5432/example or mysql://root:@127.0.0.1:3306/example.
"""

import os

TORTOISE_ORM = {
    "connections": {
        "default": os.environ.get("EXAMPLE_DB_URL")
        or {
            "engine": "tortoise.backends.sqlite",
            "credentials": {"file_path": os.environ.get("EXAMPLE_DB_FILE", "db.sqlite3")},
        },
    },
    "apps": {
        "models": {
            "models": ["myapp.models"],
            "default_connection": "default",
        },
    },
    "use_tz": False,
}
