"""A models module without models: what each app of the config lists while a command opens
the connections without importing the user's model modules (context.py,
``Context.initialize(models=False)``). Tortoise needs every app to list a module."""
