"""Programmatic use of tortoise-pathway, as in the README: migrate, then use the models."""

from __future__ import annotations

import asyncio

from tortoise import Tortoise

from tortoise_pathway.integrator import TortoisePathwayIntegrator, setup_and_migrate


async def migrate_with_integrator(config: dict) -> None:
    integrator = TortoisePathwayIntegrator(config)
    try:
        await integrator.initialize()
        await integrator.migrate()
    finally:
        await integrator.close()


async def add_and_count_users(config: dict) -> int:
    """Migrates with the helper, adds a user with a post, and returns the number of users."""
    await setup_and_migrate(config)
    await Tortoise.init(config=config)
    try:
        from myapp.models import Post, User

        user = await User.create(name="Ada", email=f"ada{await User.all().count()}@example.com")
        await Post.create(author=user, title="Hello", body="First post")
        return await User.all().count()
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    from myapp.config import TORTOISE_ORM

    print("users:", asyncio.run(add_and_count_users(TORTOISE_ORM)))
