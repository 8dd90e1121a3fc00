"""Outbox handlers of the fulfilment app (registered from FulfilmentConfig.ready)."""
