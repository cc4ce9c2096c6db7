"""Delivering applications to agency systems, exactly once, through crashes and outages.

``attempts`` creates a delivery with its application, leases it and makes one signed attempt
(the ``deliver`` task); ``recovery`` re-queues what a killed worker left (the ``sweep`` task);
``exchange`` is the HTTP call, ``answers`` reads what the agency answered, ``holders`` names the
worker holding a lease, ``failures`` tells the officials (docs/INTEGRATION.md, "Delivery").
"""
