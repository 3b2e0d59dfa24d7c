"""The write forms hand their cleaned data to the services as keyword arguments."""

import inspect

import pytest

from measures import services
from measures.forms import ReopenForm, StatusForm, VerificationForm


@pytest.mark.parametrize(
    ("form", "service"),
    [
        (StatusForm, services.countermeasure_record_status),
        (VerificationForm, services.countermeasure_verify_effectiveness),
        (ReopenForm, services.countermeasure_reopen),
    ],
)
def test_every_field_of_a_write_form_is_an_argument_of_its_service(form, service):
    """A field the service does not take would fail every submission (TypeError, a 500)."""
    arguments = set(inspect.signature(service).parameters) - {"measure", "actor"}
    assert set(form.base_fields) <= arguments
