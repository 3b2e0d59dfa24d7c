from tests.access.conftest import client_for, evidence, people  # noqa: F401 - shared fixtures
