"""Record teams: more users with read or edit access on one record, honoured by the scope."""
