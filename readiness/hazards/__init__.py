"""The DCB0160 clinical safety hazard log: hazards rated on the risk matrix, the clinical
safety officer's sign-off of a version, and links to the service desk's flagged tickets."""
