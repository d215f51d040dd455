"""The cost landscape: the exact accuracy of every configuration, and its summary for large spaces.

:mod:`~qbnn.landscape.exact` enumerates every configuration (vectorised, in
chunks); :mod:`~qbnn.landscape.summary` keeps only the histogram and the
solutions, locally or on a Dask cluster.
"""

from qbnn.landscape.exact import Landscape, check_compatible, chunk_ranges, compute_landscape

__all__ = ["Landscape", "compute_landscape", "check_compatible", "chunk_ranges"]
