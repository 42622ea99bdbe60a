"""tortoise-pathway: schema migrations for Tortoise ORM, with a C engine."""

from .exceptions import PathwayError
from .fleet import Tenant, TenantOutcome, migrate_tenants
from .integrator import TortoisePathwayIntegrator, setup_and_migrate
from .migration import Migration

__all__ = ["Migration", "PathwayError", "Tenant", "TenantOutcome", "TortoisePathwayIntegrator",
           "migrate_tenants", "setup_and_migrate"]
__version__ = "0.1.0"
