"""Command and control: bronze, silver and gold cells, their rota, sit-reps and stand-down,
and the steps of the service desk's escalations up the command structure."""
