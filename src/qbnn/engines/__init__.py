"""Problem-level engines: amplify a :class:`~qbnn.problem.TrainingProblem` behind one protocol and one registry.

:mod:`~qbnn.engines.protocol` (the protocol), :mod:`~qbnn.engines.registry`
(engines by name), ``structured`` (ours, on :mod:`qbnn.simulator`), ``aer``
(the reference), ``analytic`` (the sin^2 law), ``structured-dask``, noisy
and folded (block) amplification.
"""
