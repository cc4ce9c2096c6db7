"""Loopback stand-ins for the outside systems the product talks to.

Each is a real HTTP server that checks what it receives and answers as the real system does,
with switches to fail; ``make run`` starts them, the tests drive them, and the production
settings point at the real systems instead. Nothing in the product imports this package
(tests/test_architecture.py): a stand-in shares only the wire protocol (``signing``).

* ``agency``: the agency systems (tax service, pension fund, land registry...), with
  ``hostile`` answers no client should trust.
"""
