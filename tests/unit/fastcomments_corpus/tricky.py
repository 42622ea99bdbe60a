"""Tricky cases for tortoise_pathway.fastcomments (tests/unit/test_fastcomments.py): every class
here is given to Tortoise's ``_get_comments`` and to the fast reader, which must agree. Not a
test module; loaded by path in a subprocess."""

# ruff: noqa

from tortoise import fields
from tortoise.models import Model


def keep(cls):
    return cls


def tag(*args, **kwargs):
    def decorate(cls):
        return cls

    return decorate


TEXT = """
    #: not a comment: a module-level string
    fake = 1
"""


#: a comment above the decorators (outside the class's source)
@keep
@tag(
    #: a comment among the decorator's arguments
    name="x",
)
class Decorated(Model):
    """A docstring. #: is here too
    #: and on its own line
    spoof = 1
    """

    #: The id
    id = fields.IntField(primary_key=True)
    #: Multi-line
    #:   comment of {model}
    name = fields.CharField(max_length=20)
    doc = fields.TextField(description="""
    #: inside a string argument
    x = 1
    """)
    #:no space after the colon
    n2: int = 0
    #: an annotation only
    n3: int
    #: followed by a blank line

    after_blank = fields.IntField(null=True)
    # a plain comment
    #: then a #: one
    mixed = fields.IntField(null=True)  #: not a leading comment

    class Meta:
        #: a comment in Meta
        table = "decorated"

    def method(self) -> None:
        #: a comment in a method
        local = 1
        del local

    #: trailing comment in the body
    # ghost = 1
# a comment at column 0
    #: indented again after it
    # ghost2 = 2


@keep
class OneDecorator(Model):
    #: one
    a = fields.IntField(null=True)


class OneLine(Model): a = fields.IntField(null=True)  #: same line


class Tabs(Model):
	#: tab indented
	a = fields.IntField(null=True)


class AbstractBase(Model):
    #: created, in {model}
    created = fields.IntField(null=True)

    class Meta:
        abstract = True


class Child(AbstractBase):
    #: the child's name, in {model}
    name = fields.CharField(max_length=10)


class GrandChild(Child):
    pass


class Outer:
    class Inner(Model):
        #: nested in a plain class
        a = fields.IntField(null=True)

        class Meta:
            #: nested Meta
            table = "outer_inner"


if True:
    class InIf(Model):
        #: in an if block
        a = fields.IntField(null=True)
else:
    class InElse(Model):
        b = fields.IntField(null=True)

try:
    class InTry(Model):
        #: in a try block
        a = fields.IntField(null=True)
except Exception:
    class InExcept(Model):
        pass
finally:
    class InFinally(Model):
        #: in finally
        a = fields.IntField(null=True)

for _i in range(2):
    class InLoop(Model):
        #: defined twice by the loop, once in the source
        a = fields.IntField(null=True)

with open(__file__, encoding="utf-8"):
    class InWith(Model):
        #: in a with block
        a = fields.IntField(null=True)

match 1:
    case 1:
        class InMatch(Model):
            #: in a match case
            a = fields.IntField(null=True)


class Dup(Model):
    #: the first Dup
    a = fields.IntField(null=True)


class Dup(Model):  # noqa: F811  (the same name twice: inspect finds the first for both)
    #: the second Dup
    b = fields.IntField(null=True)


def make():
    class Local(Model):
        #: defined in a function
        a = fields.IntField(null=True)

    return Local


Local = make()


async def amake():
    class AsyncLocal(Model):
        a = fields.IntField(null=True)

    return AsyncLocal


class Holder:
    def build(self):
        class Deep(Model):
            #: in a method
            a = fields.IntField(null=True)

        return Deep


Deep = Holder().build()


class Wrapped(Model):
    #: a class with __wrapped__ (getsource would unwrap it)
    a = fields.IntField(null=True)
    __wrapped__ = None


exec(  # a class whose source is not in the file although its module is
    "class FromString(Model):\n    #: from a string\n    a = fields.IntField(null=True)\n",
    globals())


class Unicode(Model):
    #: données, 名前 and {model}
    nom = fields.CharField(max_length=10)


class EndsWithString(Model):
    a = fields.IntField(null=True)
    TEXT = """
    #: in a string at the end
    b = 1"""


class LastInFile(Model):
    #: the last class; the file ends without a newline
    z = fields.IntField(null=True)
    #: a trailing comment
    # zz = 3