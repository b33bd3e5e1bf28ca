"""Input and output serializers, one pair per endpoint (HackSoft style): inputs only type-check
and resolve codes to objects; the rules are checked by `tickets.services`."""
