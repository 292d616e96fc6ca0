"""Webhooks (SPEC §11): companies' endpoints, signed deliveries (Standard Webhooks 1.0)."""
