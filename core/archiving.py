"""Business records are never hard-deleted: they are archived and stay in the history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HardDeleteRefused(Exception):
    """Raised when code tries to delete a business record instead of archiving it."""


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteRefused(f"{self.model.__name__} records are archived, never deleted.")

    def active(self):
        return self.filter(archived_at__isnull=True)


class ArchivableModel(models.Model):
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(f"{type(self).__name__} records are archived, never deleted.")
