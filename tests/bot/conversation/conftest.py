from tests.workflow.conftest import world  # noqa: F401 - the workflow's small world, for 「我的需求」 tests
