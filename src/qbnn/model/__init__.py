"""The binary neural network and its data: architecture and forward pass, datasets, input encodings, conditioning.

:mod:`~qbnn.model.network` (layers, parameter layout, classical forward
pass), :mod:`~qbnn.model.data` (paper problems, CSV), :mod:`~qbnn.model.conditioning`
(which parameters are free, which fixed), :mod:`~qbnn.model.input_levels` and
:mod:`~qbnn.model.quantize` (b-bit inputs), :mod:`~qbnn.model.describe`
(a configuration described for people). No circuits here.
"""
