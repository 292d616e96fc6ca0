"""The analysis of an uploaded resume as a state machine: pending → processing → done."""
