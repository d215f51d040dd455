"""The foundation every layer may use: memory checks, progress, parsing of specs, atomic outputs, the Dask client.

Nothing here knows of networks, circuits or engines.
"""
