"""The synchronous core of aiotrace: ptrace binding, stop decoding and the tracer loop.

Nothing in this package imports an async library; the reactor (``aiotrace._reactor``) is
the only place that knows about anyio.
"""
