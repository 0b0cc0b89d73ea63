"""The ingest gateway: webhooks from Stripe, Zendesk and HubSpot (and canonical JSON) onto Kafka."""
