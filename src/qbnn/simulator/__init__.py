"""The structured exact simulator: runs any circuit of its class, gate by gate, and knows nothing of BNNs.

The op vocabulary (:mod:`~qbnn.simulator.ops`), the one lowering from Qiskit
(:mod:`~qbnn.simulator.lowering`), the state and its compiled kernels
(:mod:`~qbnn.simulator.structured`, :mod:`~qbnn.simulator.kernels`,
:mod:`~qbnn.simulator.complex_kernels`, :mod:`~qbnn.simulator.merge`), the
reflection replay, Pauli-noise trajectories, Dask chunk tasks and a Qiskit
``BaseSamplerV2`` (:mod:`~qbnn.simulator.sampler`). Problem-level engines
(:mod:`qbnn.engines`) sit on top of it.
"""
