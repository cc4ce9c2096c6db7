"""The mapping proof: a form's answers, through the mapping rules, always fit the agency schema.

``mapping`` normalises the rules and builds the payload; ``shapes`` and ``transforms`` say
what every accepted answer looks like before and after each transform; ``checker`` and the
modules it is split into (``sources``, ``payload_tree``, ``values``, ``presence``) prove the
rules against the agency's JSON Schema before a service is published (docs/INTEGRATION.md).
Nothing here touches the database.
"""
