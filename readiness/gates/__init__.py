"""Go/no-go gates: required sign-offs and their named signatories, the decision, and the
evidence frozen when it is made."""
