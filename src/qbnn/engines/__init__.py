"""Engines behind one protocol (:mod:`qbnn.engines.protocol`): structured (ours), aer (reference), analytic."""
