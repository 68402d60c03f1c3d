"""Infrastructure of the service, and the one way to turn it into CloudFormation."""
