"""Classes of the same names as in tricky.py, in another module (tests/unit/test_fastcomments.py)."""

# ruff: noqa

from tortoise import fields
from tortoise.models import Model


class Decorated(Model):
    #: another module's Decorated
    other = fields.IntField(null=True)


class Outer:
    class Inner(Model):
        #: another module's Outer.Inner
        b = fields.IntField(null=True)


class Dup(Model):
    #: unique in this module
    c = fields.IntField(null=True)
