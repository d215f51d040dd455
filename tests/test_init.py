"""The package's top level: every advertised name resolves, unknown names fail loudly."""

import pytest

import qbnn


@pytest.mark.parametrize("name", qbnn.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(qbnn, name) is not None
    assert name in dir(qbnn)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nonexistent'"):
        qbnn.Nonexistent  # noqa: B018


def test_lazy_names_are_the_module_objects() -> None:
    from qbnn.problem import TrainingProblem
    from qbnn.simulator.sampler import StructuredSampler

    assert qbnn.TrainingProblem is TrainingProblem
    assert qbnn.StructuredSampler is StructuredSampler
