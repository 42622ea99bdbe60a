"""Foreign keys, one-to-ones and many-to-manys: related_name, every on_delete, nullable and
indexed keys, source_field, db_constraint=False, self-references, generated and custom
through tables (a through name of its own, and a through table that is a model)."""

from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    mentor = fields.ForeignKeyField("models.Author", related_name="mentees", null=True,
                                    on_delete=fields.SET_NULL)


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    author = fields.ForeignKeyField("models.Author", related_name="books")
    editor = fields.ForeignKeyField("models.Author", related_name="edited", null=True,
                                    on_delete=fields.SET_NULL, db_index=True,
                                    description="Who edited it")
    reviewer = fields.ForeignKeyField("models.Author", related_name="reviewed",
                                      on_delete=fields.RESTRICT, source_field="reviewed_by")
    translator = fields.ForeignKeyField("models.Author", related_name="translated",
                                        null=True, on_delete=fields.NO_ACTION)
    publisher = fields.ForeignKeyField("models.Author", related_name="published",
                                       on_delete=fields.SET_DEFAULT, db_default=1)
    loose = fields.ForeignKeyField("models.Author", related_name="loose", null=True,
                                   db_constraint=False)
    sequel = fields.OneToOneField("models.Book", related_name="prequel", null=True,
                                  on_delete=fields.SET_NULL)


class Cover(models.Model):
    id = fields.IntField(primary_key=True)
    book = fields.OneToOneField("models.Book", related_name="cover")
    artist = fields.OneToOneField("models.Author", related_name="cover_art", null=True,
                                  on_delete=fields.CASCADE, description="The artist")


class Shelf(models.Model):
    id = fields.IntField(primary_key=True)
    books = fields.ManyToManyField("models.Book", related_name="shelves")
    owners = fields.ManyToManyField("models.Author", related_name="shelves",
                                    through="shelf_owner", forward_key="owner_id",
                                    backward_key="shelf_ref", on_delete=fields.RESTRICT,
                                    description="Who owns a shelf")
    repeats = fields.ManyToManyField("models.Book", related_name="repeated_on",
                                     through="shelf_repeat", unique=False)
    loose = fields.ManyToManyField("models.Author", related_name="loose_shelves",
                                   through="shelf_loose", db_constraint=False)
    neighbours = fields.ManyToManyField("models.Shelf", related_name="neighbour_of")
    tagged = fields.ManyToManyField("models.Book", related_name="tagged_on",
                                    through="shelf_tag")


class ShelfTag(models.Model):
    """The through table of Shelf.tagged, declared as a model of its own."""

    id = fields.IntField(primary_key=True)
    shelf = fields.ForeignKeyField("models.Shelf", related_name="tag_rows")
    book = fields.ForeignKeyField("models.Book", related_name="tag_rows")
    note = fields.CharField(max_length=40, null=True)

    class Meta:
        table = "shelf_tag"
