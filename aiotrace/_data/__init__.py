# SPDX-License-Identifier: GPL-2.0-or-later
"""Traces as data: completed calls, recordings, tables, files and pictures (issue 20).

Built on the public API and on the ``aiotrace`` command's strace printer (one printer for
the command, ``str(event)`` and the recordings). pyarrow, pandas and matplotlib are the
``aiotrace[data]`` extra: they are imported only when a recording is made or used.
"""
